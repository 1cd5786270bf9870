package when

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/marketbot/marketbot/corpus"
)

func TestRelativePeriods(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC) // a Sunday
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	end := now.Add(time.Second)
	for q, want := range map[string]Frame{
		"最近一个月大模型市场有什么新闻？":                            {Since: d("2026-11-06").Add(10 * time.Hour), Until: end, Recent: true},
		"近一周有哪些新模型发布？":                                {Since: d("2026-11-29").Add(10 * time.Hour), Until: end},
		"近一週有哪些新模型發布？":                                {Since: d("2026-11-29").Add(10 * time.Hour), Until: end},
		"過去三個月的融資":                                    {Since: d("2026-09-06").Add(10 * time.Hour), Until: end},
		"近30天的降价":                                     {Since: d("2026-11-06").Add(10 * time.Hour), Until: end},
		"本周的新闻":                                       {Since: d("2026-11-30"), Until: d("2026-12-07")},
		"今年发布了哪些模型":                                   {Since: d("2026-01-01"), Until: d("2027-01-01").Add(yearMargin), Year: 2026}, // as "2026年" is
		"近期DeepSeek有什么动作":                             {Since: d("2026-09-06").Add(10 * time.Hour), Until: end, Recent: true},
		"上个季度的财报":                                     {Since: d("2026-07-01"), Until: end}, // reported after it, as "2026年第三季度" is
		"NetEase gross margin last quarter":           {Since: d("2026-07-01"), Until: end},
		"博通上一季自由現金流":                                  {}, // the company's last quarter: no calendar dates
		"What happened this week?":                    {Since: d("2026-11-30"), Until: d("2026-12-07")},
		"funding news from the past month":            {Since: d("2026-11-06").Add(10 * time.Hour), Until: end},
		"What has Zhipu released recently?":           {Since: d("2026-09-06").Add(10 * time.Hour), Until: end, Recent: true},
		"Which models launched this year?":            {Since: d("2026-01-01"), Until: d("2027-01-01").Add(yearMargin), Year: 2026},
		"price cuts in the past 3 months":             {Since: d("2026-09-06").Add(10 * time.Hour), Until: end},
		"Nvidia revenue in Q4 2024":                   {Since: d("2024-10-01"), Until: d("2025-01-01").Add(quarterMargin), Year: 2024, Quarter: 4},
		"2024年第四季度营收":                                 {Since: d("2024-10-01"), Until: d("2025-01-01").Add(quarterMargin), Year: 2024, Quarter: 4},
		"TSMC's revenue in the third quarter of 2026": {Since: d("2026-07-01"), Until: d("2026-10-01").Add(quarterMargin), Year: 2026, Quarter: 3},
		"智谱2026年上半年的营收是多少？":                           {Since: d("2026-01-01"), Until: d("2027-01-01").Add(yearMargin), Year: 2026, Half: 1},
		// 最近 alone asks for the newest, not for a period (so the answer
		// says how old the newest article is); 月 and 周 in names are not
		// periods.
		"最近月之暗面发布了什么？":                                    {Recent: true, Latest: true},
		"最近周鸿祎说了什么？":                                      {Recent: true, Latest: true},
		"这两天有什么AI新闻？":                                     {Since: d("2026-11-29").Add(10 * time.Hour), Until: end},
		"明年字节跳动的资本开支计划是多少？":                               {Since: d("2027-01-01"), Until: d("2028-01-01").Add(yearMargin), Year: 2027},
		"What are Chinese AI labs focused on these days?": {Recent: true, Latest: true},
		"How are things going for Nvidia at the moment?":  {Recent: true, Latest: true},
		"目前火山方舟有哪些模型？":                                    {Recent: true, Latest: true},
	} {
		if got := Parse(q, now); got != want {
			t.Errorf("Parse(%q) =\n %+v, want\n %+v", q, got, want)
		}
	}
}

func TestParseTimeFrame(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	for q, want := range map[string]Frame{
		"2024年5月哪些厂商降价":                           {Since: d("2024-05-01"), Until: d("2024-06-01").Add(monthMargin), Year: 2024, Month: 5},
		"Which model launched in May 2024?":       {Since: d("2024-05-01"), Until: d("2024-06-01").Add(monthMargin), Year: 2024, Month: 5},
		"2024年的大模型融资":                             {Since: d("2024-01-01"), Until: d("2025-01-01").Add(yearMargin), Year: 2024},
		"funding in 2023":                         {Since: d("2023-01-01"), Until: d("2024-01-01").Add(yearMargin), Year: 2023},
		"what capex has Meta guided to for 2026?": {Since: d("2026-01-01"), Until: d("2027-01-01").Add(yearMargin), Year: 2026},
		"Inspur's net profit for full-year 2025":  {Since: d("2025-01-01"), Until: d("2026-01-01").Add(yearMargin), Year: 2025, FullYear: true},
		"2025 full year revenue of Baidu":         {Since: d("2025-01-01"), Until: d("2026-01-01").Add(yearMargin), Year: 2025, FullYear: true},
		"浪潮信息2025年全年净利润":                          {Since: d("2025-01-01"), Until: d("2026-01-01").Add(yearMargin), Year: 2025, FullYear: true},
		// Fiscal years are companies' own, not calendar ones.
		"Nvidia's revenue in fiscal 2025":                                            {},
		"英伟达2025财年第四季营收":                                                             {Quarter: 4}, // a company's quarter: no dates
		"阿里云2026财年第四财季收入":                                                            {Quarter: 4},
		"What revenue outlook did Nvidia give for the third quarter of fiscal 2026?": {Quarter: 3},
		"Blackwell revenue in the last quarter of fiscal 2025":                       {},
		"奇鋐第二季的毛利率是多少？":                                                              {Quarter: 2}, // a quarter of no year: no dates
		"廣達11月合併營收是多少？":                                                              {Month: 11},  // a month of no year: no dates
		"What was Quanta's revenue in October?":                                      {Month: 10},
		"今年10月的营收":                                                                   {Since: d("2026-01-01"), Until: d("2027-01-01").Add(yearMargin), Year: 2026, Month: 10},
		"前10月累计营收":                                                                   {},
		"How much may Quanta earn?":                                                  {},
		"Horizon Robotics H1 2026 revenue and growth":                                {Since: d("2026-01-01"), Until: d("2027-01-01").Add(yearMargin), Year: 2026, Half: 1},
		"2025H2 capex": {Since: d("2025-01-01"), Until: d("2026-01-01").Add(yearMargin), Year: 2025, Half: 2},
		"Sunny Optical automotive lens shipments 1H 2026": {Since: d("2026-01-01"), Until: d("2027-01-01").Add(yearMargin), Year: 2026, Half: 1}, // as analysts write H1
		"SF Express parcel volume 3Q 2026":                {Since: d("2026-07-01"), Until: d("2026-10-01").Add(quarterMargin), Year: 2026, Quarter: 3},
		"What did AVC earn in the third quarter?":         {Quarter: 3},
		"2025年1月20日发布了什么":                                 {Since: d("2025-01-19"), Until: d("2025-01-28"), Year: 2025, Month: 1},
		"上个月的新闻":                                          {Since: d("2026-10-01"), Until: d("2026-11-01")},
		"news this week":                                  {Since: d("2026-11-23"), Until: d("2026-11-30")},
		"最新的Qwen模型":                                       {Recent: true, Latest: true},
		"What is the latest Llama?":                       {Recent: true, Latest: true},
		"Qwen2.5有多少参数":                                    {},
	} {
		if got := Parse(q, now); got != want {
			t.Errorf("Parse(%q) = %+v, want %+v", q, got, want)
		}
	}
}

// TestAMonthAloneNamesItsArticlesYear: an article of 2025 that says "in
// March" or "on March 1" names March 2025, for questions about that
// month; a 2024 article does not, and "may" the verb is no month.
func TestAMonthAloneNamesItsArticlesYear(t *testing.T) {
	march, may := Frame{Year: 2025, Month: 3}, Frame{Year: 2025, Month: 5}
	at := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	for _, tc := range []struct {
		f         Frame
		norm, pub string
		want      bool
	}{
		{march, "usage passed 30 trillion, up from 12.7 trillion in march.", "2025-10-16", true},
		{march, "日均调用量3月为12.7万亿", "2025-10-16", true},
		{march, "usage was 12.7 trillion in march.", "2024-10-16", false},
		{march, "march 2025 saw 12.7 trillion a day.", "2024-10-16", true},
		{march, "13月", "2025-10-16", false},
		{may, "the company may raise more.", "2025-10-16", false},
		{may, "it shipped in may.", "2025-10-16", true},
		{march, "the business plan rises to $48 on march 1.", "2025-02-10", true},
		{march, "prices change mar. 15th for all users.", "2025-02-10", true},
		{may, "the company may 2 times raise.", "2024-10-16", false},
	} {
		if got := tc.f.Mentioned(tc.norm, at(tc.pub)); got != tc.want {
			t.Errorf("%d-%d mentioned(%q, %s) = %v, want %v", tc.f.Year, tc.f.Month, tc.norm, tc.pub, got, tc.want)
		}
	}
}

// TestPartStart: a half or a season of a year, in both languages, begins
// where it says; a question naming none has none.
func TestPartStart(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	for q, want := range map[string]time.Time{
		"2026年上半年有哪些大模型融资？":                                               d("2026-01-01"),
		"2025年下半年的降价":                                                     d("2025-07-01"),
		"2025年冬季FORCE大会发布了什么":                                             d("2025-12-01"),
		"What did Volcano Engine announce at its spring 2026 conference?": d("2026-03-01"),
		"funding in the first half of 2026":                               d("2026-01-01"),
		"Per IDC's H1 2025 numbers":                                       d("2025-01-01"),
		"price cuts in 2025 H2":                                           d("2025-07-01"),
		"What did DeepSeek release in 2025?":                              {},
	} {
		if got, _ := PartStart(q); !got.Equal(want) {
			t.Errorf("PartStart(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestPhrases(t *testing.T) {
	for q, want := range map[string][]string{
		"最近一个月有哪些融资？":                                           {"最近一个月"},
		"OpenAI最新的模型是什么？":                                       {"最新"},
		"What did Baidu launch in May 2024?":                    {"may 2024"},
		"豆包的价格是多少？":                                             nil,
		"今年和去年相比呢？":                                             {"今年", "去年"},
		"What did Meta guide to for the first quarter of 2025?": {"first quarter of 2025"},
		"What capex has Meta guided to for 2026?":               nil, // a frame, but the year stays a word of the question
		"爱德万 7-9月 存储测试机销售额":                                     {"7-9月"},
		"Advantest July-September orders":                       {"july-september"},
		"MetaX shipments Jan-Sep 2026":                          {"jan-sep 2026"},
	} {
		if got := Phrases(q); !slices.Equal(got, want) {
			t.Errorf("Phrases(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestOtherPeriodIn(t *testing.T) {
	f := Parse("How much revenue did Kling generate in the third quarter of 2026?", time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC))
	title := corpus.Normalize("快手二季度可灵AI收入达4.3亿元")
	for sentence, want := range map[string]bool{
		"可灵ai收入达4.3亿元，同比增长超过90%。":                    true,  // of the title's quarter
		"公司预计第三季度可灵收入将超过5亿元。":                        false, // of the asked one
		"kling's revenue in the third quarter rose.": false,
	} {
		if got := f.OtherPeriodIn(sentence, title, ""); got != want {
			t.Errorf("OtherPeriodIn(%q, %q) = %v, want %v", sentence, title, got, want)
		}
	}
	// Asked a whole year's figure, a sentence that says so speaks of it,
	// not of its third-quarter report's quarter.
	f = Parse("WPP全年经营利润率指引", time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC))
	title = corpus.Normalize("WPP revenue slides 3.1% in third quarter")
	for sentence, want := range map[string]bool{
		"wpp kept its full-year guidance of a headline operating margin of around 13.5%.": false,
		"the headline operating margin was 12.9%.":                                        true,
	} {
		if got := f.OtherPeriodIn(sentence, title, ""); got != want {
			t.Errorf("OtherPeriodIn(%q, %q) = %v, want %v", sentence, title, got, want)
		}
	}
	// Of no title's period, a sentence speaks of the quarter named before
	// it (context: the last sentence naming a quarter or half).
	f = Parse("阿里云2026财年第四财季收入是多少？", time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC))
	title, sentence := "", corpus.Normalize("阿里云智能集团本季度收入为438亿元。")
	for context, want := range map[string]bool{
		"阿里巴巴集团公布2026财年第三财季业绩。": true,
		"阿里巴巴集团公布2026财年第四财季业绩。": false,
		"": false,
	} {
		if NamesPart(corpus.Normalize(context)) != (context != "") {
			t.Errorf("NamesPart(%q) = %v", context, !(context != ""))
		}
		if got := f.OtherPeriodIn(sentence, title, corpus.Normalize(context)); got != want {
			t.Errorf("OtherPeriodIn(%q, %q, %q) = %v, want %v", sentence, title, context, got, want)
		}
	}
}

// TestATitleOfAPartOfTheYear: under a title of the first three quarters,
// a sentence naming no period speaks of the quarter the sentence before
// names (其中第三季度单季…); under a title of one quarter, the title's
// period still rules ("…against the second quarter" before it).
func TestATitleOfAPartOfTheYear(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	f := Parse("How much net profit did Huaqin make in Q3 2026 alone?", now)
	sentence := corpus.Normalize("单季归母净利润12.6亿元，同比增长26.1%。")
	nine := corpus.Normalize("华勤技术前三季度营收1386亿元同比增42%")
	for context, want := range map[string]bool{
		"其中第三季度单季营收512.3亿元，同比增长38.6%。": false,
		"其中第二季度单季营收473.5亿元。":           true,
		"": true, // the title's nine months alone
	} {
		if got := f.OtherPeriodIn(sentence, nine, corpus.Normalize(context)); got != want {
			t.Errorf("OtherPeriodIn(%q, %q, %q) = %v, want %v", sentence, nine, context, got, want)
		}
	}
	f = Parse("Arista Networks revenue Q2 2026", now)
	q3 := corpus.Normalize("Arista third-quarter revenue rises 28%")
	if !f.OtherPeriodIn(corpus.Normalize("Together they represented 39% of the quarter's sales."), q3, corpus.Normalize("Revenue was up from the second quarter.")) {
		t.Error("a sentence under a third-quarter title is taken for the second quarter's")
	}
}

// TestAFiscalQuarterRisenFrom: a fiscal quarter a figure rose from is no
// period of it.
func TestAFiscalQuarterRisenFrom(t *testing.T) {
	f := Parse("惠普2026财年第四季度AI PC占出货量的比例", time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC))
	if up := corpus.Normalize("AI PCs made up 38% of units shipped, up from 31% in the fiscal third quarter."); f.OtherPeriod(up) {
		t.Errorf("OtherPeriod(%q): the quarter it rose from is taken for its own", up)
	}
}

// TestThisYearInASentence: asked a year, "今年" in a sentence states its
// article's year's figure, whatever quarter the sentence before names;
// asked a quarter, the sentence before tells.
func TestThisYearInASentence(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	sentence := corpus.Normalize("公司今年資本支出上調至約120億元,較去年增加近五成。")
	context := corpus.Normalize("金像電泰國廠第一期已於今年第二季量產,第二期預計2027年第一季開出。")
	if f := Parse("How much capital expenditure is Gold Circuit budgeting for this year?", now); f.OtherPeriodIn(sentence, "", context) {
		t.Error("this year's capex is taken for 2027's")
	}
	if f := Parse("Gold Circuit capex in Q3 2026", now); !f.OtherPeriodIn(sentence, "", context) {
		t.Error("a sentence after one of 2027's first quarter is taken for the third quarter's")
	}
}

// TestAMonthIsNoQuarter: asked a month's figure, with its year or
// without, a sentence of a quarter states the quarter's.
func TestAMonthIsNoQuarter(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	q3 := corpus.Normalize("欣興30日召開法說會，公布第三季合併營收399.8億元，季增8.6%。")
	oct := corpus.Normalize("欣興10月合併營收141.2億元，月增3.1%。")
	for _, q := range []string{"What were Unimicron's October 2026 sales?", "欣興10月營收"} {
		f := Parse(q, now)
		if !f.OtherPeriod(q3) {
			t.Errorf("%q: a quarter's revenue is taken for October's", q)
		}
		if f.OtherPeriod(oct) {
			t.Errorf("%q: October's revenue is taken for another period's", q)
		}
	}
}

// TestAMonthThatEndsAPeriod: a month named as a period's end or a point
// in time still asks that month, but the quarter or half ending then may
// state its figure; another month's sentence does not.
func TestAMonthThatEndsAPeriod(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	half := corpus.Normalize("上半年云订阅业务ARR达40.8亿元。")
	sept := corpus.Normalize("截至9月底，云订阅ARR达43.1亿元。")
	for q, end := range map[string]bool{
		"In Nvidia's quarter ending April 2025, how much H20 revenue could it not ship?": true,
		"Kingdee cloud subscription ARR at end of June 2026?":                            true,
		"金蝶截至2026年6月底的云订阅ARR":                                                            true,
		"金蝶6月末的云订阅ARR":                                                                   true,
		"What were Unimicron's October 2026 sales?":                                      false,
		"廣達11月合併營收":                                                                      false,
	} {
		f := Parse(q, now)
		if f.MonthEnd != end || f.Month == 0 {
			t.Errorf("Parse(%q) = month %d, end %v; want end %v", q, f.Month, f.MonthEnd, end)
		}
		if end && !f.OtherPeriod(sept) {
			t.Errorf("%q: September's figure is taken for the asked month's", q)
		}
	}
	if f := Parse("Kingdee cloud subscription ARR at end of June 2026?", now); f.OtherPeriod(half) {
		t.Error("the half ending in June is taken for another period")
	}
}

// TestAnOrdinalQuarterIsTheFrames: "the third quarter" without a year
// frames the question; the word "quarter" stays for passages to hold.
func TestAnOrdinalQuarterIsTheFrames(t *testing.T) {
	if got, want := strings.Fields(Strip("appier net revenue retention in the third quarter")), []string{"appier", "net", "revenue", "retention", "in", "the", "quarter"}; !slices.Equal(got, want) {
		t.Errorf("Strip = %q, want %q", got, want)
	}
	if got := Phrases("Appier net revenue retention in the third quarter"); !slices.Equal(got, []string{"third quarter"}) {
		t.Errorf("Phrases = %q", got)
	}
}

func TestOtherPeriod(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		question, sentence string
		want               bool
	}{
		{"What was TSMC's revenue in the third quarter of 2026?", "TSMC reported second-quarter revenue of $34.6 billion.", true},
		{"What was TSMC's revenue in the third quarter of 2026?", "TSMC expects third-quarter revenue of $36 billion, above the second quarter's.", false},
		{"What was TSMC's revenue in the third quarter of 2026?", "Revenue rose 40% on demand for AI chips.", false},
		{"智谱2026年上半年的营收是多少？", "智谱2025年营收约为15亿元。", true},
		{"智谱2026年上半年的营收是多少？", "智谱2026年上半年营收约为12亿元，高于2025年同期。", false},
		{"2024年第四季度营收", "第四季度营收为393亿美元。", false},
		{"2024年第四季度营收", "第三季度营收为351亿美元。", true},
		{"摩爾線程第三季營收是多少？", "上半年公司实现营业收入18.7亿元。", true}, // a half is no quarter
		{"2026年上半年营收", "第二季度营收为9.5亿元。", true},
		{"台積電2025年第一季的毛利率是多少？", "以美元計算，第四季營收為268.8億美元，毛利率59%。", true}, // 第四季, as Taiwan writes it
		{"台積電2025年第一季的毛利率是多少？", "台積電預估第一季毛利率介於57%至59%。", false},
		{"What was Nvidia's revenue in 2024?", "In 2023 revenue was $27 billion.", true},                  // another year's figure
		{"What was Nvidia's revenue in 2024?", "Revenue for fiscal 2025 was $130.5 billion.", false},      // a fiscal year is the company's
		{"What was Nvidia's revenue in 2024?", "Revenue rose to $60.9 billion in 2024 from 2023.", false}, // the asked year is named
		{"寒武纪2026年第一季度前五大客户占比是多少？", "一季度前五大客户销售额合计占比为81.3%，较2025年全年的94.6%有所下降。", false},                   // 2025 is the comparison's base
		{"What was Nvidia's revenue in the second quarter of 2026?", "Second-quarter revenue rose 33% from 2025.", false},
		{"LS電氣第三季營業利益率多少？", "The operating margin reached 9.7%, compared with 8.6% in the same period of 2025.", false}, // 2025 is the base
		{"LS電氣第三季營業利益率多少？", "The operating margin reached 8.6% in 2025.", true},
		{"Codewright在2026年的ARR是多少？", "Raman, who co-founded the company in 2023, said annual recurring revenue crossed $310 million.", false}, // the year it was founded
		{"Meta在2026年第二季度的资本开支是多少？", "Meta维持2026年资本开支1150亿至1350亿美元的指引。", true},                                                                 // the year's figure
		{"What revenue outlook did Nvidia give for the third quarter of fiscal 2026?", "For the second quarter of fiscal 2026, Nvidia expects revenue of $45 billion.", true},
		{"What revenue outlook did Nvidia give for the third quarter of fiscal 2026?", "On August 27, 2025, Nvidia guided third-quarter revenue to $54 billion.", false}, // a company's calendar
		// A whole year's figure is no part's, unless the sentence names the whole or the year.
		{"What was Inspur's net profit for full-year 2025?", "公司前三季度归属于上市公司股东的净利润为31.7亿元。", true},
		{"浪潮信息2025年全年净利润是多少？", "上半年净利润为19.4亿元。", true},
		{"浪潮信息2025年全年净利润是多少？", "第四季度净利润为9亿元，全年净利润为40.7亿元。", false},
		{"浪潮信息2025年全年净利润是多少？", "公司2025年净利润为40.7亿元，其中第四季度为9亿元。", false},
		{"浪潮信息2025年净利润是多少？", "上半年净利润为19.4亿元。", false}, // a year asked, any part may answer
		// A quarter a figure changed from is the base, not the sentence's period.
		{"三星二季度晶圆代工亏了多少？", "The foundry business narrowed its operating loss to 0.6 trillion won from 1.9 trillion won in the first quarter.", false},
		{"三星二季度晶圆代工亏了多少？", "晶圆代工业务亏损0.6万亿韩元，较一季度的1.9万亿韩元收窄。", false},
		{"三星二季度晶圆代工亏了多少？", "The foundry business lost 1.9 trillion won in the first quarter.", true},
		{"How did Nanya's gross margin move in Q3 2026?", "受惠DRAM平均售價大幅上揚，毛利率由第二季的22.8%跳升至41.3%。", false},
		{"长鑫科技今年第三季度单季研发投入是多少？", "前三季度研发投入52.8亿元，同比增长41%。", true},
		{"长鑫科技今年第三季度单季营收是多少？", "前三季度营收612.4亿元，其中第三季度单季营收238.7亿元。", false},
		{"What was CXMT's revenue in Q3 2026?", "Revenue for the first nine months rose 78.6%.", true},
		{"How did Nanya's gross margin move in Q3 2026?", "毛利率較上季提升5個百分點。", false},
		// A month asked: other months' figures, and a quarter's, half's or
		// year's, are not its own; nor is a run of months to it.
		{"廣達11月合併營收是多少？", "廣達10日公布10月合併營收為新台幣2,186億元，月增9.4%。", true},
		{"廣達11月合併營收是多少？", "11月合併營收為新台幣2,300億元，較10月成長5%。", false},
		{"廣達11月合併營收是多少？", "合併營收為新台幣2,300億元，較10月成長5%。", false}, // October is the base
		{"鸿海10月份的营收是多少？", "鴻海第三季獲利創同期新高", true},
		{"鸿海10月份的营收是多少？", "累計今年前10月營收達新台幣1兆8,420億元。", true},
		{"鸿海10月份的营收是多少？", "鴻海2025年營收為新臺幣6.86兆元。", true},
		{"What was Quanta's revenue in October?", "October revenue rose 41% to NT$218.6 billion.", false},
		{"What was Quanta's revenue in November?", "Revenue rose 9% from October to NT$238 billion.", false},
		{"What was Quanta's revenue in November?", "October revenue rose 41% to NT$218.6 billion.", true},
		{"Harvey 2026年6月的ARR", "Annual recurring revenue passed $350mn in June, up from roughly $100mn in August 2025.", false},
		{"Harvey 2026年6月的ARR", "Annual recurring revenue passed $100mn in August 2025.", true},
		{"2024年5月豆包的价格是多少？", "8月，豆包再次降价。", true},
		{"2024年5月豆包的价格是多少？", "豆包主力模型在企业市场的定价只有0.0008元/千tokens。", false},
	} {
		f := Parse(tc.question, now)
		if got := f.OtherPeriod(corpus.Normalize(tc.sentence)); got != tc.want {
			t.Errorf("%q: OtherPeriod(%q) = %v, want %v", tc.question, tc.sentence, got, tc.want)
		}
	}
}

// TestMonthNamesAreWhole: a word that begins as a month does ("margin",
// "market", "decline") is no month: questions keep it, and a text that
// says "in market" names no March.
func TestMonthNamesAreWhole(t *testing.T) {
	for q, want := range map[string]string{
		"Kestrel Silicon gross margin":         "kestrel silicon gross margin",
		"market share of Doubao in March 2025": "market share of doubao in",
		"decline in sept. orders":              "decline in . orders",
		"Lakala 9M 2026 net profit":            "lakala first nine months 2026 net profit", // as analysts write the first nine months
		"a 9M parameter model":                 "a 9m parameter model",                     // no year after it: an amount
	} {
		if got := strings.Join(strings.Fields(Strip(corpus.Normalize(q))), " "); got != want {
			t.Errorf("Strip(%q) = %q, want %q", q, got, want)
		}
	}
	f := Parse("What happened in March 2025?", time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC))
	published := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for text, want := range map[string]bool{"the company grew in market share": false, "it launched in march": true, "on mar. 5 it said": true} {
		if got := f.Mentioned(text, published); got != want {
			t.Errorf("Mentioned(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestAYearIsNoPart: a year named before a sentence is background, no
// quarter or half its figure is of.
func TestAYearIsNoPart(t *testing.T) {
	if NamesPart(corpus.Normalize("这是阿里云自2019年以来最快的增速。")) {
		t.Error("a year counts as a quarter or half")
	}
}

// TestPeriodicFrames: only a frame that names a period, or asks a whole
// year's figure, can find a sentence speaking of another period; the
// figure check skips the period regexps for the others.
func TestPeriodicFrames(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	for q, want := range map[string]bool{
		"豆包的价格是多少？":                                        false,
		"What does Doubao cost?":                           false,
		"智谱2026年上半年的营收是多少？":                                true,
		"What was Inspur's net profit for full-year 2025?": true,
		"Nvidia revenue in Q3 2025":                        true,
		"廣達11月合併營收是多少？":                                    true,
	} {
		f := Parse(q, now)
		if got := f.Periodic(); got != want {
			t.Errorf("Parse(%q).Periodic() = %v, want %v", q, got, want)
		}
		if !f.Periodic() {
			for _, s := range []string{"2025年营收为10亿元。", "Third-quarter revenue rose 40% in 2024."} {
				if f.OtherPeriod(corpus.Normalize(s)) {
					t.Errorf("%q: OtherPeriod(%q) = true for a frame of no period", q, s)
				}
			}
		}
	}
}

// TestARunOfMonthsIsAFiscalQuarter: asked a run of months, a sentence of
// the same run states its figure though the company numbers its quarter
// otherwise; a sentence of another run does not.
func TestARunOfMonthsIsAFiscalQuarter(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	f := Parse("LY公司2026年7-9月季度营业利润是多少？", now)
	same := corpus.Normalize("Revenue for the July-September quarter, the second quarter of its fiscal year ending March 2027, rose 6.4%, while operating profit rose 18.2% to 108.3 billion yen.")
	if f.OtherPeriod(same) {
		t.Error("the July-September quarter is taken for another period than 7-9月")
	}
	if other := corpus.Normalize("For the April-September half, operating profit totalled 207.5 billion yen."); !f.OtherPeriod(other) {
		t.Error("the April-September half is taken for 7-9月")
	}
}

// TestAFiscalYearEndingInAMonth: "截至2027年3月的财年" is a company's
// fiscal year, no March 2027 after the corpus; "2026年4月至9月" is a run
// of months.
func TestAFiscalYearEndingInAMonth(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for _, q := range []string{"藤仓把截至2027年3月的财年全年营收预期上调到了多少？", "Fujikura's revenue forecast for the fiscal year ending March 2027"} {
		if f := Parse(q, now); !f.Since.IsZero() || f.Month != 0 {
			t.Errorf("%q: frame %+v, want a fiscal year without dates", q, f)
		}
	}
	if f := Parse("藤仓2026财年上半年（2026年4月至9月）营业利润", now); f.Run != [2]int{4, 9} || f.Month != 0 {
		t.Errorf("2026年4月至9月: frame %+v, want the run April to September", f)
	}
}

// TestAHalfOfAnotherYear: asked 2024's figure "before it rose in the
// first half of 2025", no half of 2024 is asked.
func TestAHalfOfAnotherYear(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	if f := Parse("What was Volcano Engine's share in 2024, before it rose in the first half of 2025?", now); f.Year != 2024 || f.Half != 0 {
		t.Errorf("frame %+v, want 2024 and no half", f)
	}
	if f := Parse("Volcano Engine's share in the first half of 2025", now); f.Year != 2025 || f.Half != 1 {
		t.Errorf("frame %+v, want the first half of 2025", f)
	}
}

// TestAQuarterNamedByItsLastDay: "截至2024年12月31日的季度" is the fourth
// quarter of 2024, no second quarter of 2025; asked a company's fiscal
// quarter, it may be that quarter.
func TestAQuarterNamedByItsLastDay(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	context := corpus.Normalize("阿里巴巴于2025年2月20日公布了截至2024年12月31日的季度业绩：集团收入为2801.5亿元；")
	sentence := corpus.Normalize("云智能集团收入为317.4亿元，同比增长13%。")
	if f := Parse("阿里云智能集团2025年4月到6月那个季度的收入是多少？", now); !f.NamesPart(context) || !f.OtherPeriodIn(sentence, "", context) {
		t.Error("the quarter ended December 31, 2024 is taken for the April-June quarter of 2025")
	}
	if f := Parse("Alibaba Cloud revenue in Q4 2024", now); f.OtherPeriod(corpus.Normalize("For the quarter ended December 31, 2024, cloud revenue was RMB31.7 billion.")) {
		t.Error("the quarter ended December 31, 2024 is taken for another than Q4 2024")
	}
	for _, q := range []string{"Alibaba Cloud Intelligence Group revenue for the December 2024 quarter?", "阿里截至2024年12月底那个季度，集团总收入多少？"} {
		if f := Parse(q, now); f.OtherPeriodIn(sentence, "", context) {
			t.Errorf("%q: the quarter ended December 31, 2024 is taken for another period", q)
		}
	}
	if f := Parse("阿里巴巴2025财年第三季度云智能集团收入", now); f.NamesPart(context) {
		t.Error("asked a fiscal quarter, the quarter ended December 31 is placed in the calendar")
	}
}

// TestAFirstClauseOfTheContextsQuarter: after "第三季度，…", a sentence
// that names the first nine months only after its first clause speaks
// first of the third quarter.
func TestAFirstClauseOfTheContextsQuarter(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	context := corpus.Normalize("第三季度，公司工业机器人及智能制造系统收入10.96亿元，占总收入的73.9%；")
	f := Parse("Estun industrial robot shipments in Q3 2026", now)
	if s := corpus.Normalize("工业机器人出货6,850台，前三季度累计出货1.92万台。"); f.OtherPeriodIn(s, "", context) {
		t.Error("the quarter's shipments are taken for another period's")
	}
	if s := corpus.Normalize("前三季度累计出货1.92万台，同比增长21%。"); !f.OtherPeriodIn(s, "", context) {
		t.Error("nine months' shipments are taken for the quarter's")
	}
}

// TestAHyphenatedHalf: "first-half 2026 revenue" is the first half's.
func TestAHyphenatedHalf(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	f := Parse("FuriosaAI 2026年上半年营收", now)
	if s := corpus.Normalize("The company said first-half 2026 revenue reached 41.2 billion won."); f.OtherPeriod(s) {
		t.Error("first-half 2026 revenue is taken for another period's")
	}
	if g := Parse("FuriosaAI first-half 2026 revenue", now); g.Half != 1 || g.Year != 2026 {
		t.Errorf("first-half 2026: frame %+v", g)
	}
}

// TestYearsOfNoFigure: "2000万美元" is twenty million dollars, no
// sentence of the year 2000's, and a year a figure is set against ("below
// the levels the company reported in 2023") is no period of the figure;
// a sentence of those years' own figures is.
func TestYearsOfNoFigure(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct{ question, asked, other string }{
		{"Above what monthly revenue must a product built on Kimi K2, released in July 2025, display its name?",
			"若基于该模型的商业产品月收入超过2000万美元，需在界面上标注。", "该公司2000年成立，当年收入为20亿元。"},
		{"超微电脑2027财年第一季度毛利率是多少？",
			"Gross margin improved to 10.1% from 9.3% a year earlier, though it remained well below the levels above 15% the company reported in 2023.",
			"In 2023, gross margin was above 15%."},
		{"What was the average selling price of AI smartphones in China in the third quarter of 2026?",
			"价格方面，第三季度AI手机的平均售价为4280元，比非AI手机高出约1960元。", "2025年第三季度AI手机的平均售价为3900元。"},
	} {
		f := Parse(c.question, now)
		if f.OtherPeriodIn(corpus.Normalize(c.asked), "", "") {
			t.Errorf("%q: %q is taken for another period's", c.question, c.asked)
		}
		if !f.OtherPeriodIn(corpus.Normalize(c.other), "", "") {
			t.Errorf("%q: %q is taken for the asked period's", c.question, c.other)
		}
	}
}

// TestAQuarterAskedByItsLastDay: a question that names a quarter by its
// last day asks that quarter, not the day, and its report may come weeks
// after the quarter's end.
func TestAQuarterAskedByItsLastDay(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	f := Parse("Coherent 数据中心与通信部门在截至2026年9月30日的季度收入是多少？", now)
	want := Parse("Coherent datacom revenue for the quarter ended September 30, 2026", now)
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("the quarter ended 2026年9月30日 is read otherwise than in English (-English +Chinese):\n%s", diff)
	}
	if !f.MonthEnd || f.Month != 9 {
		t.Errorf("read as %+v, not the quarter to the end of September", f)
	}
	if f := Parse("Nvidia's data-centre revenue in the quarter that ended in October 2026", now); !f.MonthEnd || f.Month != 10 {
		t.Errorf("read as %+v, not the quarter to the end of October", f)
	}
	if report := time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC); !f.Until.After(report) {
		t.Errorf("a report of November 5 on the quarter is after the frame's end %v", f.Until)
	}
}

// TestAHalfNamedByItsLastDay: "截至2026年6月30日止六個月" is the first half
// of 2026, asked or stated.
func TestAHalfNamedByItsLastDay(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	if f := Parse("创新奇智截至2026年6月30日止六个月的收入是多少？", now); f.Year != 2026 || f.Half != 1 {
		t.Errorf("read as %+v, not the first half of 2026", f)
	}
	f := Parse("AInnovation revenue H1 2026", now)
	if s := corpus.Normalize("創新奇智昨日公布截至2026年6月30日止六個月中期業績，期內收入6.92億元；"); f.OtherPeriod(s) {
		t.Error("the six months ended June 30, 2026 are taken for another period than H1 2026")
	}
	if s := corpus.Normalize("截至2025年6月30日止六個月，收入為5.0億元。"); !f.OtherPeriod(s) {
		t.Error("the six months ended June 30, 2025 are taken for H1 2026")
	}
	if s := corpus.Normalize("Revenue for the six months ended December 31, 2026 was $5 million."); !f.OtherPeriod(s) {
		t.Error("the second half is taken for the first")
	}
}

// TestAFigureSetAgainstAQuarter: "against 582 million euros in the third
// quarter of 2025" is the base a figure is compared with, and so is
// "three months earlier", which names no run of months.
func TestAFigureSetAgainstAQuarter(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	f := Parse("Spotify 2026年第三季毛利率", now)
	if s := corpus.Normalize("Gross margin was 33.1%, compared with 31.6% a year earlier, and operating income came in at 712 million euros against 582 million euros in the third quarter of 2025."); f.OtherPeriod(s) {
		t.Error("a figure set against the third quarter of 2025 is taken for that quarter's")
	}
	if s := corpus.Normalize("Revenue backlog reached $71.3 billion at the end of September, up from $55.6 billion three months earlier."); f.OtherPart(s) {
		t.Error("three months earlier is taken for a run of months")
	}
	if s := corpus.Normalize("In the third quarter of 2025, gross margin was 31.6%."); !f.OtherPeriod(s) {
		t.Error("the third quarter of 2025's gross margin is taken for 2026's")
	}
}

// TestAQuarterOfTheParagraphUnderAYearsTitle: asked a quarter, a sentence
// naming none speaks of the quarter named before it in its paragraph,
// though the title names only a year.
func TestAQuarterOfTheParagraphUnderAYearsTitle(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	title := corpus.Normalize("Celestica posts 26% revenue growth on hyperscaler switch demand, lifts 2026 target")
	context := corpus.Normalize("Celestica Inc. reported third-quarter 2026 revenue of $3.96 billion, up 26% from a year earlier.")
	sentence := corpus.Normalize("Adjusted earnings per share were $2.03, compared with $1.58 a year ago.")
	if f := Parse("天弘科技2026年第三季度调整后每股收益是多少？", now); f.OtherPeriodIn(sentence, title, context) {
		t.Error("the third quarter's EPS is taken for the title's year's")
	}
	if f := Parse("天弘科技2026年第二季度调整后每股收益是多少？", now); !f.OtherPeriodIn(sentence, title, context) {
		t.Error("the third quarter's EPS is taken for the second quarter's")
	}
}

// TestAnotherPartOfTheYear: asked a quarter, a sentence of the full year
// or another quarter is of another part; one of no part is not.
func TestAnotherPartOfTheYear(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	f := Parse("Celestica 對2026年第四季的營收展望區間為何？", now)
	for s, want := range map[string]bool{
		"It raised its full-year 2026 outlook to revenue of about $15.2 billion.":              true,
		"Third-quarter revenue was $3.96 billion.":                                             true,
		"For the fourth quarter, Celestica expects revenue of $4.10 billion to $4.40 billion.": false,
		"Free cash flow was $148 million.":                                                     false,
		"泰國廠於第四季正式量產，月產能提升至15萬片，預計2027年第二季再擴增至22萬片。":                                           false,
	} {
		if got := f.OtherPart(corpus.Normalize(s)); got != want {
			t.Errorf("OtherPart(%q) = %v, want %v", s, got, want)
		}
	}
	if Parse("Celestica revenue outlook for 2026", now).OtherPart(corpus.Normalize("Third-quarter revenue was $3.96 billion.")) {
		t.Error("asked a year, a quarter is taken for another part")
	}
}

// TestABalanceAtAQuartersEnd: asked a calendar quarter, a balance stated
// at another quarter's end is that quarter's; at the asked quarter's end,
// the asked one's.
func TestABalanceAtAQuartersEnd(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	s := corpus.Normalize("容量方面，截至9月30日，公司批发业务在运营容量为842兆瓦，较二季度末增加96兆瓦，上架率为78.6%；")
	if !Parse("What was VNET's utilization rate at the end of Q2 2026?", now).OtherPeriod(s) {
		t.Error("a rate at the end of September is taken for the second quarter's")
	}
	if Parse("世纪互联2026年第三季度末的上架率是多少？", now).OtherPeriod(s) {
		t.Error("a rate at the end of September is taken for another quarter's than the third")
	}
	if Parse("What was Coherent's datacom revenue in its fiscal Q1 2027?", now).OtherPeriod(corpus.Normalize("As of September 30, backlog was $2 billion.")) {
		t.Error("a fiscal quarter is placed in the calendar")
	}
}
