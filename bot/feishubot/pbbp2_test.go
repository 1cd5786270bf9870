// This is the Lark SDK's codec of the long connection's frames
// (Copyright (c) 2022 Lark Technologies Pte. Ltd., MIT License), copied
// from github.com/larksuite/oapi-sdk-go/v3@v3.12.0/ws/pbbp2.pb.go (the
// functions the tests use), so that the tests can check the adapter's
// hand-written codec against the SDK's without importing the SDK's ws
// package, which needs github.com/gogo/protobuf in go.mod. Renamed:
// Frame → pbbp2Frame, Header → pbbp2Header, math_bits → bits, the error
// variables unexported, gogo's NewRequiredNotSetError → pbbp2RequiredNotSet.
// TestPbbp2CopyIsTheSDKs checks that the copy is the SDK's code, token for
// token, when the SDK's module is on disk.

package feishubot

import (
	"fmt"
	"io"
	"math/bits"
)

// pbbp2RequiredNotSet is gogo's proto.NewRequiredNotSetError.
func pbbp2RequiredNotSet(field string) error {
	return fmt.Errorf("proto: required field %q not set", field)
}

type pbbp2Header struct {
	Key   string `protobuf:"bytes,1,req,name=key" json:"key"`
	Value string `protobuf:"bytes,2,req,name=value" json:"value"`
}

type pbbp2Frame struct {
	SeqID           uint64        `protobuf:"varint,1,req,name=SeqID" json:"SeqID"`
	LogID           uint64        `protobuf:"varint,2,req,name=LogID" json:"LogID"`
	Service         int32         `protobuf:"varint,3,req,name=service" json:"service"`
	Method          int32         `protobuf:"varint,4,req,name=method" json:"method"`
	Headers         []pbbp2Header `protobuf:"bytes,5,rep,name=headers" json:"headers"`
	PayloadEncoding string        `protobuf:"bytes,6,opt,name=payload_encoding" json:"payload_encoding"`
	PayloadType     string        `protobuf:"bytes,7,opt,name=payload_type" json:"payload_type"`
	Payload         []byte        `protobuf:"bytes,8,opt,name=payload" json:"payload"`
	LogIDNew        string        `protobuf:"bytes,9,opt,name=LogIDNew" json:"LogIDNew"`
}

func (m *pbbp2Header) MarshalToSizedBuffer(dAtA []byte) (int, error) {
	i := len(dAtA)
	_ = i
	var l int
	_ = l
	i -= len(m.Value)
	copy(dAtA[i:], m.Value)
	i = encodeVarintPbbp2(dAtA, i, uint64(len(m.Value)))
	i--
	dAtA[i] = 0x12
	i -= len(m.Key)
	copy(dAtA[i:], m.Key)
	i = encodeVarintPbbp2(dAtA, i, uint64(len(m.Key)))
	i--
	dAtA[i] = 0xa
	return len(dAtA) - i, nil
}

func (m *pbbp2Frame) Marshal() (dAtA []byte, err error) {
	size := m.Size()
	dAtA = make([]byte, size)
	n, err := m.MarshalToSizedBuffer(dAtA[:size])
	if err != nil {
		return nil, err
	}
	return dAtA[:n], nil
}

func (m *pbbp2Frame) MarshalToSizedBuffer(dAtA []byte) (int, error) {
	i := len(dAtA)
	_ = i
	var l int
	_ = l
	i -= len(m.LogIDNew)
	copy(dAtA[i:], m.LogIDNew)
	i = encodeVarintPbbp2(dAtA, i, uint64(len(m.LogIDNew)))
	i--
	dAtA[i] = 0x4a
	if m.Payload != nil {
		i -= len(m.Payload)
		copy(dAtA[i:], m.Payload)
		i = encodeVarintPbbp2(dAtA, i, uint64(len(m.Payload)))
		i--
		dAtA[i] = 0x42
	}
	i -= len(m.PayloadType)
	copy(dAtA[i:], m.PayloadType)
	i = encodeVarintPbbp2(dAtA, i, uint64(len(m.PayloadType)))
	i--
	dAtA[i] = 0x3a
	i -= len(m.PayloadEncoding)
	copy(dAtA[i:], m.PayloadEncoding)
	i = encodeVarintPbbp2(dAtA, i, uint64(len(m.PayloadEncoding)))
	i--
	dAtA[i] = 0x32
	if len(m.Headers) > 0 {
		for iNdEx := len(m.Headers) - 1; iNdEx >= 0; iNdEx-- {
			{
				size, err := m.Headers[iNdEx].MarshalToSizedBuffer(dAtA[:i])
				if err != nil {
					return 0, err
				}
				i -= size
				i = encodeVarintPbbp2(dAtA, i, uint64(size))
			}
			i--
			dAtA[i] = 0x2a
		}
	}
	i = encodeVarintPbbp2(dAtA, i, uint64(m.Method))
	i--
	dAtA[i] = 0x20
	i = encodeVarintPbbp2(dAtA, i, uint64(m.Service))
	i--
	dAtA[i] = 0x18
	i = encodeVarintPbbp2(dAtA, i, uint64(m.LogID))
	i--
	dAtA[i] = 0x10
	i = encodeVarintPbbp2(dAtA, i, uint64(m.SeqID))
	i--
	dAtA[i] = 0x8
	return len(dAtA) - i, nil
}

func encodeVarintPbbp2(dAtA []byte, offset int, v uint64) int {
	offset -= sovPbbp2(v)
	base := offset
	for v >= 1<<7 {
		dAtA[offset] = uint8(v&0x7f | 0x80)
		v >>= 7
		offset++
	}
	dAtA[offset] = uint8(v)
	return base
}

func (m *pbbp2Header) Size() (n int) {
	if m == nil {
		return 0
	}
	var l int
	_ = l
	l = len(m.Key)
	n += 1 + l + sovPbbp2(uint64(l))
	l = len(m.Value)
	n += 1 + l + sovPbbp2(uint64(l))
	return n
}

func (m *pbbp2Frame) Size() (n int) {
	if m == nil {
		return 0
	}
	var l int
	_ = l
	n += 1 + sovPbbp2(uint64(m.SeqID))
	n += 1 + sovPbbp2(uint64(m.LogID))
	n += 1 + sovPbbp2(uint64(m.Service))
	n += 1 + sovPbbp2(uint64(m.Method))
	if len(m.Headers) > 0 {
		for _, e := range m.Headers {
			l = e.Size()
			n += 1 + l + sovPbbp2(uint64(l))
		}
	}
	l = len(m.PayloadEncoding)
	n += 1 + l + sovPbbp2(uint64(l))
	l = len(m.PayloadType)
	n += 1 + l + sovPbbp2(uint64(l))
	if m.Payload != nil {
		l = len(m.Payload)
		n += 1 + l + sovPbbp2(uint64(l))
	}
	l = len(m.LogIDNew)
	n += 1 + l + sovPbbp2(uint64(l))
	return n
}

func sovPbbp2(x uint64) (n int) {
	return (bits.Len64(x|1) + 6) / 7
}

func (m *pbbp2Header) Unmarshal(dAtA []byte) error {
	var hasFields [1]uint64
	l := len(dAtA)
	iNdEx := 0
	for iNdEx < l {
		preIndex := iNdEx
		var wire uint64
		for shift := uint(0); ; shift += 7 {
			if shift >= 64 {
				return errIntOverflowPbbp2
			}
			if iNdEx >= l {
				return io.ErrUnexpectedEOF
			}
			b := dAtA[iNdEx]
			iNdEx++
			wire |= uint64(b&0x7F) << shift
			if b < 0x80 {
				break
			}
		}
		fieldNum := int32(wire >> 3)
		wireType := int(wire & 0x7)
		if wireType == 4 {
			return fmt.Errorf("proto: Header: wiretype end group for non-group")
		}
		if fieldNum <= 0 {
			return fmt.Errorf("proto: Header: illegal tag %d (wire type %d)", fieldNum, wire)
		}
		switch fieldNum {
		case 1:
			if wireType != 2 {
				return fmt.Errorf("proto: wrong wireType = %d for field Key", wireType)
			}
			var stringLen uint64
			for shift := uint(0); ; shift += 7 {
				if shift >= 64 {
					return errIntOverflowPbbp2
				}
				if iNdEx >= l {
					return io.ErrUnexpectedEOF
				}
				b := dAtA[iNdEx]
				iNdEx++
				stringLen |= uint64(b&0x7F) << shift
				if b < 0x80 {
					break
				}
			}
			intStringLen := int(stringLen)
			if intStringLen < 0 {
				return errInvalidLengthPbbp2
			}
			postIndex := iNdEx + intStringLen
			if postIndex < 0 {
				return errInvalidLengthPbbp2
			}
			if postIndex > l {
				return io.ErrUnexpectedEOF
			}
			m.Key = string(dAtA[iNdEx:postIndex])
			iNdEx = postIndex
			hasFields[0] |= uint64(0x00000001)
		case 2:
			if wireType != 2 {
				return fmt.Errorf("proto: wrong wireType = %d for field Value", wireType)
			}
			var stringLen uint64
			for shift := uint(0); ; shift += 7 {
				if shift >= 64 {
					return errIntOverflowPbbp2
				}
				if iNdEx >= l {
					return io.ErrUnexpectedEOF
				}
				b := dAtA[iNdEx]
				iNdEx++
				stringLen |= uint64(b&0x7F) << shift
				if b < 0x80 {
					break
				}
			}
			intStringLen := int(stringLen)
			if intStringLen < 0 {
				return errInvalidLengthPbbp2
			}
			postIndex := iNdEx + intStringLen
			if postIndex < 0 {
				return errInvalidLengthPbbp2
			}
			if postIndex > l {
				return io.ErrUnexpectedEOF
			}
			m.Value = string(dAtA[iNdEx:postIndex])
			iNdEx = postIndex
			hasFields[0] |= uint64(0x00000002)
		default:
			iNdEx = preIndex
			skippy, err := skipPbbp2(dAtA[iNdEx:])
			if err != nil {
				return err
			}
			if (skippy < 0) || (iNdEx+skippy) < 0 {
				return errInvalidLengthPbbp2
			}
			if (iNdEx + skippy) > l {
				return io.ErrUnexpectedEOF
			}
			iNdEx += skippy
		}
	}
	if hasFields[0]&uint64(0x00000001) == 0 {
		return pbbp2RequiredNotSet("key")
	}
	if hasFields[0]&uint64(0x00000002) == 0 {
		return pbbp2RequiredNotSet("value")
	}

	if iNdEx > l {
		return io.ErrUnexpectedEOF
	}
	return nil
}

func (m *pbbp2Frame) Unmarshal(dAtA []byte) error {
	var hasFields [1]uint64
	l := len(dAtA)
	iNdEx := 0
	for iNdEx < l {
		preIndex := iNdEx
		var wire uint64
		for shift := uint(0); ; shift += 7 {
			if shift >= 64 {
				return errIntOverflowPbbp2
			}
			if iNdEx >= l {
				return io.ErrUnexpectedEOF
			}
			b := dAtA[iNdEx]
			iNdEx++
			wire |= uint64(b&0x7F) << shift
			if b < 0x80 {
				break
			}
		}
		fieldNum := int32(wire >> 3)
		wireType := int(wire & 0x7)
		if wireType == 4 {
			return fmt.Errorf("proto: Frame: wiretype end group for non-group")
		}
		if fieldNum <= 0 {
			return fmt.Errorf("proto: Frame: illegal tag %d (wire type %d)", fieldNum, wire)
		}
		switch fieldNum {
		case 1:
			if wireType != 0 {
				return fmt.Errorf("proto: wrong wireType = %d for field SeqID", wireType)
			}
			m.SeqID = 0
			for shift := uint(0); ; shift += 7 {
				if shift >= 64 {
					return errIntOverflowPbbp2
				}
				if iNdEx >= l {
					return io.ErrUnexpectedEOF
				}
				b := dAtA[iNdEx]
				iNdEx++
				m.SeqID |= uint64(b&0x7F) << shift
				if b < 0x80 {
					break
				}
			}
			hasFields[0] |= uint64(0x00000001)
		case 2:
			if wireType != 0 {
				return fmt.Errorf("proto: wrong wireType = %d for field LogID", wireType)
			}
			m.LogID = 0
			for shift := uint(0); ; shift += 7 {
				if shift >= 64 {
					return errIntOverflowPbbp2
				}
				if iNdEx >= l {
					return io.ErrUnexpectedEOF
				}
				b := dAtA[iNdEx]
				iNdEx++
				m.LogID |= uint64(b&0x7F) << shift
				if b < 0x80 {
					break
				}
			}
			hasFields[0] |= uint64(0x00000002)
		case 3:
			if wireType != 0 {
				return fmt.Errorf("proto: wrong wireType = %d for field Service", wireType)
			}
			m.Service = 0
			for shift := uint(0); ; shift += 7 {
				if shift >= 64 {
					return errIntOverflowPbbp2
				}
				if iNdEx >= l {
					return io.ErrUnexpectedEOF
				}
				b := dAtA[iNdEx]
				iNdEx++
				m.Service |= int32(b&0x7F) << shift
				if b < 0x80 {
					break
				}
			}
			hasFields[0] |= uint64(0x00000004)
		case 4:
			if wireType != 0 {
				return fmt.Errorf("proto: wrong wireType = %d for field Method", wireType)
			}
			m.Method = 0
			for shift := uint(0); ; shift += 7 {
				if shift >= 64 {
					return errIntOverflowPbbp2
				}
				if iNdEx >= l {
					return io.ErrUnexpectedEOF
				}
				b := dAtA[iNdEx]
				iNdEx++
				m.Method |= int32(b&0x7F) << shift
				if b < 0x80 {
					break
				}
			}
			hasFields[0] |= uint64(0x00000008)
		case 5:
			if wireType != 2 {
				return fmt.Errorf("proto: wrong wireType = %d for field Headers", wireType)
			}
			var msglen int
			for shift := uint(0); ; shift += 7 {
				if shift >= 64 {
					return errIntOverflowPbbp2
				}
				if iNdEx >= l {
					return io.ErrUnexpectedEOF
				}
				b := dAtA[iNdEx]
				iNdEx++
				msglen |= int(b&0x7F) << shift
				if b < 0x80 {
					break
				}
			}
			if msglen < 0 {
				return errInvalidLengthPbbp2
			}
			postIndex := iNdEx + msglen
			if postIndex < 0 {
				return errInvalidLengthPbbp2
			}
			if postIndex > l {
				return io.ErrUnexpectedEOF
			}
			m.Headers = append(m.Headers, pbbp2Header{})
			if err := m.Headers[len(m.Headers)-1].Unmarshal(dAtA[iNdEx:postIndex]); err != nil {
				return err
			}
			iNdEx = postIndex
		case 6:
			if wireType != 2 {
				return fmt.Errorf("proto: wrong wireType = %d for field PayloadEncoding", wireType)
			}
			var stringLen uint64
			for shift := uint(0); ; shift += 7 {
				if shift >= 64 {
					return errIntOverflowPbbp2
				}
				if iNdEx >= l {
					return io.ErrUnexpectedEOF
				}
				b := dAtA[iNdEx]
				iNdEx++
				stringLen |= uint64(b&0x7F) << shift
				if b < 0x80 {
					break
				}
			}
			intStringLen := int(stringLen)
			if intStringLen < 0 {
				return errInvalidLengthPbbp2
			}
			postIndex := iNdEx + intStringLen
			if postIndex < 0 {
				return errInvalidLengthPbbp2
			}
			if postIndex > l {
				return io.ErrUnexpectedEOF
			}
			m.PayloadEncoding = string(dAtA[iNdEx:postIndex])
			iNdEx = postIndex
		case 7:
			if wireType != 2 {
				return fmt.Errorf("proto: wrong wireType = %d for field PayloadType", wireType)
			}
			var stringLen uint64
			for shift := uint(0); ; shift += 7 {
				if shift >= 64 {
					return errIntOverflowPbbp2
				}
				if iNdEx >= l {
					return io.ErrUnexpectedEOF
				}
				b := dAtA[iNdEx]
				iNdEx++
				stringLen |= uint64(b&0x7F) << shift
				if b < 0x80 {
					break
				}
			}
			intStringLen := int(stringLen)
			if intStringLen < 0 {
				return errInvalidLengthPbbp2
			}
			postIndex := iNdEx + intStringLen
			if postIndex < 0 {
				return errInvalidLengthPbbp2
			}
			if postIndex > l {
				return io.ErrUnexpectedEOF
			}
			m.PayloadType = string(dAtA[iNdEx:postIndex])
			iNdEx = postIndex
		case 8:
			if wireType != 2 {
				return fmt.Errorf("proto: wrong wireType = %d for field Payload", wireType)
			}
			var byteLen int
			for shift := uint(0); ; shift += 7 {
				if shift >= 64 {
					return errIntOverflowPbbp2
				}
				if iNdEx >= l {
					return io.ErrUnexpectedEOF
				}
				b := dAtA[iNdEx]
				iNdEx++
				byteLen |= int(b&0x7F) << shift
				if b < 0x80 {
					break
				}
			}
			if byteLen < 0 {
				return errInvalidLengthPbbp2
			}
			postIndex := iNdEx + byteLen
			if postIndex < 0 {
				return errInvalidLengthPbbp2
			}
			if postIndex > l {
				return io.ErrUnexpectedEOF
			}
			m.Payload = append(m.Payload[:0], dAtA[iNdEx:postIndex]...)
			if m.Payload == nil {
				m.Payload = []byte{}
			}
			iNdEx = postIndex
		case 9:
			if wireType != 2 {
				return fmt.Errorf("proto: wrong wireType = %d for field LogIDNew", wireType)
			}
			var stringLen uint64
			for shift := uint(0); ; shift += 7 {
				if shift >= 64 {
					return errIntOverflowPbbp2
				}
				if iNdEx >= l {
					return io.ErrUnexpectedEOF
				}
				b := dAtA[iNdEx]
				iNdEx++
				stringLen |= uint64(b&0x7F) << shift
				if b < 0x80 {
					break
				}
			}
			intStringLen := int(stringLen)
			if intStringLen < 0 {
				return errInvalidLengthPbbp2
			}
			postIndex := iNdEx + intStringLen
			if postIndex < 0 {
				return errInvalidLengthPbbp2
			}
			if postIndex > l {
				return io.ErrUnexpectedEOF
			}
			m.LogIDNew = string(dAtA[iNdEx:postIndex])
			iNdEx = postIndex
		default:
			iNdEx = preIndex
			skippy, err := skipPbbp2(dAtA[iNdEx:])
			if err != nil {
				return err
			}
			if (skippy < 0) || (iNdEx+skippy) < 0 {
				return errInvalidLengthPbbp2
			}
			if (iNdEx + skippy) > l {
				return io.ErrUnexpectedEOF
			}
			iNdEx += skippy
		}
	}
	if hasFields[0]&uint64(0x00000001) == 0 {
		return pbbp2RequiredNotSet("SeqID")
	}
	if hasFields[0]&uint64(0x00000002) == 0 {
		return pbbp2RequiredNotSet("LogID")
	}
	if hasFields[0]&uint64(0x00000004) == 0 {
		return pbbp2RequiredNotSet("service")
	}
	if hasFields[0]&uint64(0x00000008) == 0 {
		return pbbp2RequiredNotSet("method")
	}

	if iNdEx > l {
		return io.ErrUnexpectedEOF
	}
	return nil
}

func skipPbbp2(dAtA []byte) (n int, err error) {
	l := len(dAtA)
	iNdEx := 0
	depth := 0
	for iNdEx < l {
		var wire uint64
		for shift := uint(0); ; shift += 7 {
			if shift >= 64 {
				return 0, errIntOverflowPbbp2
			}
			if iNdEx >= l {
				return 0, io.ErrUnexpectedEOF
			}
			b := dAtA[iNdEx]
			iNdEx++
			wire |= (uint64(b) & 0x7F) << shift
			if b < 0x80 {
				break
			}
		}
		wireType := int(wire & 0x7)
		switch wireType {
		case 0:
			for shift := uint(0); ; shift += 7 {
				if shift >= 64 {
					return 0, errIntOverflowPbbp2
				}
				if iNdEx >= l {
					return 0, io.ErrUnexpectedEOF
				}
				iNdEx++
				if dAtA[iNdEx-1] < 0x80 {
					break
				}
			}
		case 1:
			iNdEx += 8
		case 2:
			var length int
			for shift := uint(0); ; shift += 7 {
				if shift >= 64 {
					return 0, errIntOverflowPbbp2
				}
				if iNdEx >= l {
					return 0, io.ErrUnexpectedEOF
				}
				b := dAtA[iNdEx]
				iNdEx++
				length |= (int(b) & 0x7F) << shift
				if b < 0x80 {
					break
				}
			}
			if length < 0 {
				return 0, errInvalidLengthPbbp2
			}
			iNdEx += length
		case 3:
			depth++
		case 4:
			if depth == 0 {
				return 0, errUnexpectedEndOfGroupPbbp2
			}
			depth--
		case 5:
			iNdEx += 4
		default:
			return 0, fmt.Errorf("proto: illegal wireType %d", wireType)
		}
		if iNdEx < 0 {
			return 0, errInvalidLengthPbbp2
		}
		if depth == 0 {
			return iNdEx, nil
		}
	}
	return 0, io.ErrUnexpectedEOF
}

var (
	errInvalidLengthPbbp2        = fmt.Errorf("proto: negative length found during unmarshaling")
	errIntOverflowPbbp2          = fmt.Errorf("proto: integer overflow")
	errUnexpectedEndOfGroupPbbp2 = fmt.Errorf("proto: unexpected end of group")
)
