package corpus

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// cp1252 maps the runes that Windows-1252 decodes bytes 0x80–0x9F to back to
// their bytes. Bytes 0xA0–0xFF decode to the same-numbered rune.
var cp1252 = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E,
	'‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97,
	'˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// latin1Byte returns the byte that Windows-1252 (or Latin-1, for the
// undefined 0x81, 0x8D, 0x8F, 0x90, 0x9D) decodes to r.
func latin1Byte(r rune) (byte, bool) {
	if r >= 0x80 && r <= 0xFF {
		return byte(r), true
	}
	b, ok := cp1252[r]
	return b, ok
}

// Mojibake that cannot be repaired: GBK's "锟斤拷" and uninitialised-memory
// "烫烫烫"/"屯屯屯", and replacement characters.
var junkRun = regexp.MustCompile(`(?:锟斤拷)+|烫{3,}|屯{3,}|\x{FFFD}+`)

// repairMojibake finds runs of UTF-8 that was decoded as Windows-1252
// ("å¤§æ¨¡åž‹") and decodes them properly ("大模型"). What does not decode
// is kept when short (accented words) and removed when it is a long run of
// noise. Known junk runs are removed.
func repairMojibake(s string) string {
	if strings.Contains(s, "锟斤拷") || strings.Contains(s, "烫烫烫") || strings.Contains(s, "屯屯屯") || strings.ContainsRune(s, '\uFFFD') {
		s = junkRun.ReplaceAllString(s, "")
	}
	if !hasMojibakeLead(s) {
		return s
	}
	var out strings.Builder
	out.Grow(len(s))
	var bad []rune // a pending run of characters that did not decode
	flushBad := func() {
		if len(bad) < 4 || !looksLikeMojibake(bad) {
			out.WriteString(string(bad))
		}
		bad = bad[:0]
	}
	runes := []rune(s)
	for i := 0; i < len(runes); {
		if r, n := decodeAt(runes[i:]); n > 0 {
			flushBad()
			out.WriteRune(r)
			i += n
			continue
		}
		if _, ok := latin1Byte(runes[i]); ok && runes[i] >= 0x80 {
			bad = append(bad, runes[i])
		} else {
			flushBad()
			out.WriteRune(runes[i])
		}
		i++
	}
	flushBad()
	return out.String()
}

func hasMojibakeLead(s string) bool {
	for _, r := range s {
		if r >= 0xC2 && r <= 0xF4 {
			return true
		}
	}
	return false
}

// decodeAt decodes one UTF-8 sequence of two to four bytes spelled as
// Windows-1252 characters at the start of runes, returning the rune and how
// many characters it used, or n == 0.
func decodeAt(runes []rune) (r rune, n int) {
	var raw [4]byte
	for n < 4 && n < len(runes) {
		b, ok := latin1Byte(runes[n])
		if !ok || (n == 0 && (b < 0xC2 || b > 0xF4)) || (n > 0 && b&0xC0 != 0x80) {
			break
		}
		raw[n] = b
		n++
	}
	if n < 2 {
		return 0, 0
	}
	r, size := utf8.DecodeRune(raw[:n])
	if r == utf8.RuneError || size < 2 || (r >= 0x80 && r < 0xA0) {
		return 0, 0
	}
	return r, size
}

// looksLikeMojibake reports whether runes are mostly the lead and
// continuation characters of misdecoded UTF-8 rather than a word in a
// European language (whose accented letters come one or two at a time).
func looksLikeMojibake(runes []rune) bool {
	var odd int
	for _, r := range runes {
		if r < 0xC0 || strings.ContainsRune("ÃÂåæçäéèï", r) {
			odd++
		}
	}
	return odd*4 >= len(runes)*3
}
