package feishubot

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// wsFrame is the long connection's unit, the protobuf message pbbp2.Frame
// (proto2; fields 1–4 required):
//
//	message Header { required string key = 1; required string value = 2; }
//	message Frame {
//	  required uint64 SeqID = 1; required uint64 LogID = 2;
//	  required int32 service = 3; required int32 method = 4;
//	  repeated Header headers = 5;
//	  optional string payload_encoding = 6; optional string payload_type = 7;
//	  optional bytes payload = 8; optional string LogIDNew = 9;
//	}
type wsFrame struct {
	SeqID, LogID                 uint64
	Service, Method              int32
	Headers                      []wsHeader
	PayloadEncoding, PayloadType string
	Payload                      []byte
	LogIDNew                     string
}

// wsHeader is one of a frame's headers.
type wsHeader struct{ Key, Value string }

// header returns the value of a frame's header, "" when absent.
func (f *wsFrame) header(key string) string {
	for _, h := range f.Headers {
		if h.Key == key {
			return h.Value
		}
	}
	return ""
}

// Protobuf wire types.
const (
	wireVarint = 0
	wireI64    = 1
	wireBytes  = 2
	wireI32    = 5
)

func appendVarint(b []byte, field int, v uint64) []byte {
	return binary.AppendUvarint(binary.AppendUvarint(b, uint64(field)<<3|wireVarint), v)
}

func appendBytes(b []byte, field int, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(field)<<3|wireBytes)
	return append(binary.AppendUvarint(b, uint64(len(v))), v...)
}

// marshal encodes f as the SDK does: required and string fields always,
// the payload when set.
func (f *wsFrame) marshal() []byte {
	b := appendVarint(nil, 1, f.SeqID)
	b = appendVarint(b, 2, f.LogID)
	b = appendVarint(b, 3, uint64(int64(f.Service))) // int32: negative values take ten bytes
	b = appendVarint(b, 4, uint64(int64(f.Method)))
	for _, h := range f.Headers {
		b = appendBytes(b, 5, appendBytes(appendBytes(nil, 1, []byte(h.Key)), 2, []byte(h.Value)))
	}
	b = appendBytes(b, 6, []byte(f.PayloadEncoding))
	b = appendBytes(b, 7, []byte(f.PayloadType))
	if f.Payload != nil {
		b = appendBytes(b, 8, f.Payload)
	}
	return appendBytes(b, 9, []byte(f.LogIDNew))
}

var errTruncated = errors.New("truncated frame")

// fields calls fn for each field of a protobuf message: its number, wire
// type, and value (varint) or contents (bytes); other wire types are
// skipped.
func fields(b []byte, fn func(field int, wire int, v uint64, data []byte) error) error {
	for len(b) > 0 {
		tag, n := binary.Uvarint(b)
		if n <= 0 {
			return errTruncated
		}
		b = b[n:]
		field, wire := int(tag>>3), int(tag&7)
		var v uint64
		var data []byte
		switch wire {
		case wireVarint:
			if v, n = binary.Uvarint(b); n <= 0 {
				return errTruncated
			}
			b = b[n:]
		case wireBytes:
			l, n := binary.Uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return errTruncated
			}
			data, b = b[n:n+int(l)], b[n+int(l):]
		case wireI64, wireI32:
			size := 8
			if wire == wireI32 {
				size = 4
			}
			if len(b) < size {
				return errTruncated
			}
			b = b[size:]
			continue
		default:
			return fmt.Errorf("unknown wire type %d", wire)
		}
		if err := fn(field, wire, v, data); err != nil {
			return err
		}
	}
	return nil
}

// unmarshal decodes a frame, ignoring fields it does not know.
func (f *wsFrame) unmarshal(b []byte) error {
	*f = wsFrame{}
	return fields(b, func(field, wire int, v uint64, data []byte) error {
		switch {
		case field == 1 && wire == wireVarint:
			f.SeqID = v
		case field == 2 && wire == wireVarint:
			f.LogID = v
		case field == 3 && wire == wireVarint:
			f.Service = int32(v)
		case field == 4 && wire == wireVarint:
			f.Method = int32(v)
		case field == 5 && wire == wireBytes:
			var h wsHeader
			err := fields(data, func(field, wire int, _ uint64, data []byte) error {
				if wire == wireBytes && field == 1 {
					h.Key = string(data)
				} else if wire == wireBytes && field == 2 {
					h.Value = string(data)
				}
				return nil
			})
			if err != nil {
				return err
			}
			f.Headers = append(f.Headers, h)
		case field == 6 && wire == wireBytes:
			f.PayloadEncoding = string(data)
		case field == 7 && wire == wireBytes:
			f.PayloadType = string(data)
		case field == 8 && wire == wireBytes:
			f.Payload = append([]byte{}, data...)
		case field == 9 && wire == wireBytes:
			f.LogIDNew = string(data)
		}
		return nil
	})
}
