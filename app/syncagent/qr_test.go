package syncagent_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
)

// qrTestCode is an enrollment code as a server writes it.
func qrTestCode() string {
	var c server.Code
	c.Addr = "madoguchi.example.lg.jp:7443"
	for i := range c.Pin {
		c.Pin[i], c.Token[i] = byte(i*7+3), byte(200-i*5)
	}
	return c.String()
}

// qrImage is a QR code of text, side pixels square with its quiet zone.
func qrImage(t testing.TB, text string, side int) image.Image {
	t.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, side, side, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// photo is a 4000×3000 picture, a grey desk with noise, with qr pasted
// near its top right corner: a phone's photo of the printed sheet.
func photo(qr image.Image) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < len(img.Pix); i += 4 {
		v := uint8(120 + rng.IntN(60))
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = v, v-10, v-20, 255
	}
	sheet := image.Rect(3000, 150, 3900, 1100) // white paper around the code
	draw.Draw(img, sheet, image.NewUniform(color.RGBA{240, 238, 232, 255}), image.Point{}, draw.Src)
	b := qr.Bounds()
	draw.Draw(img, b.Add(image.Pt(3150, 300)), qr, b.Min, draw.Src)
	return img
}

// TestCodeFromImage: the code comes back from its QR code as PNG, as JPEG
// and from a photo-sized image with the code in a corner; a QR code of
// other text, an image without a QR code and bytes that are no image are
// refused with the error that says which.
func TestCodeFromImage(t *testing.T) {
	code := qrTestCode()
	noise := image.NewGray(image.Rect(0, 0, 300, 200))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(i * 37 % 251)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want error // nil: the code
	}{
		{"png", encodePNG(t, qrImage(t, code, 300)), nil},
		{"jpeg", encodeJPEG(t, qrImage(t, code, 400)), nil},
		{"photo with the code in a corner", encodeJPEG(t, photo(qrImage(t, code, 600))), nil},
		{"code with a line break", encodePNG(t, qrImage(t, code+"\n", 300)), nil},
		{"other text", encodePNG(t, qrImage(t, "https://www.city.example.lg.jp/", 300)), syncagent.ErrNotCodeQR},
		{"a code cut short", encodePNG(t, qrImage(t, code[:len(code)-3], 300)), syncagent.ErrNotCodeQR},
		{"no QR code", encodePNG(t, noise), syncagent.ErrNoQRCode},
		{"blank", encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1))), syncagent.ErrNoQRCode},
		{"garbage", []byte("MDG1. this is not an image \x00\xff\x89PNG"), syncagent.ErrNotImage},
		{"empty", nil, syncagent.ErrNotImage},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), syncagent.ErrNotImage},
		{"truncated png", encodePNG(t, qrImage(t, code, 300))[:200], syncagent.ErrNotImage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			got, err := syncagent.CodeFromImage(bytes.NewReader(tc.data))
			t.Logf("%d bytes in %v", len(tc.data), time.Since(start))
			if tc.want == nil {
				if err != nil || got != code {
					t.Fatalf("got %q, %v; want the code", got, err)
				}
				return
			}
			if !errors.Is(err, tc.want) || got != "" {
				t.Fatalf("got %q, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// FuzzCodeFromImage feeds images from outside (seeds in
// testdata/fuzz/FuzzCodeFromImage: QR codes as PNG and JPEG, a PNG
// without one, a truncated one): CodeFromImage never panics, and what it
// returns is an enrollment code or an error that says which kind.
func FuzzCodeFromImage(f *testing.F) {
	f.Add(encodePNG(f, qrImage(f, qrTestCode(), 120)))
	f.Fuzz(func(t *testing.T, data []byte) {
		code, err := syncagent.CodeFromImage(bytes.NewReader(data))
		if err != nil {
			if code != "" {
				t.Fatalf("code %q with error %v", code, err)
			}
			if !errors.Is(err, syncagent.ErrNotImage) && !errors.Is(err, syncagent.ErrNoQRCode) && !errors.Is(err, syncagent.ErrNotCodeQR) {
				t.Fatalf("error of no kind: %v", err)
			}
			return
		}
		if _, err := syncagent.Preview(code); err != nil || strings.TrimSpace(code) != code {
			t.Fatalf("returned %q: %v", code, err)
		}
	})
}
