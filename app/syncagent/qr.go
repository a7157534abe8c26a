package syncagent

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // a photo of the printed sheet
	_ "image/png"  // a screenshot or a saved QR code
	"io"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Errors of CodeFromImage, for the window to say what went wrong.
var (
	// ErrNotImage: the file is not a PNG or JPEG image this program reads
	// (or is too large).
	ErrNotImage = errors.New("not a PNG or JPEG image")
	// ErrNoQRCode: the image holds no QR code that could be read.
	ErrNoQRCode = errors.New("no QR code in the image")
	// ErrNotCodeQR: the image's QR code holds something other than an
	// enrollment code.
	ErrNotCodeQR = errors.New("the QR code is not an enrollment code")
)

// Limits on an image read by CodeFromImage: a photo from a phone fits.
const (
	maxImageBytes  = 64 << 20
	maxImagePixels = 25_000_000 // 5000×5000; a phone's 12-megapixel photo fits
	// scanSide is the longest side an image is scanned at first; a larger
	// one is scaled down (a QR code in a photo stays large enough), and
	// scanned at full size only when that finds nothing.
	scanSide = 2048
)

// CodeFromImage reads an enrollment code from a PNG or JPEG image of its
// QR code: the printed 端末の登録コード photographed or scanned, or a
// screenshot. The QR code may be anywhere in the image. The text found
// must be an enrollment code (Preview reads it); the errors wrap
// ErrNotImage, ErrNoQRCode or ErrNotCodeQR.
func CodeFromImage(r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImageBytes+1))
	if err != nil {
		return "", fmt.Errorf("read the image: %w", err)
	}
	if len(data) > maxImageBytes {
		return "", fmt.Errorf("image over %d bytes: %w", maxImageBytes, ErrNotImage)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("read the image: %v: %w", err, ErrNotImage)
	}
	if format != "png" && format != "jpeg" {
		return "", fmt.Errorf("image in %s: %w", format, ErrNotImage)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxImagePixels || cfg.Width > maxImagePixels || cfg.Height > maxImagePixels {
		return "", fmt.Errorf("image of %d×%d pixels: %w", cfg.Width, cfg.Height, ErrNotImage)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("read the image: %v: %w", err, ErrNotImage)
	}
	text, err := scanQR(img)
	if err != nil {
		return "", err
	}
	code := strings.TrimSpace(text)
	if _, err := Preview(code); err != nil {
		return "", fmt.Errorf("%w: %v", ErrNotCodeQR, err)
	}
	return code, nil
}

// scanQR finds a QR code in img and returns its text: first in img scaled
// down to scanSide, then, when that finds nothing, at full size.
func scanQR(img image.Image) (string, error) {
	b := img.Bounds()
	if f := (max(b.Dx(), b.Dy()) + scanSide - 1) / scanSide; f > 1 {
		if text, err := decodeQR(shrink(img, f)); err == nil {
			return text, nil
		}
	}
	return decodeQR(img)
}

// decodeQR reads one QR code anywhere in img. The reader works on images
// from outside the program; should it panic on one, that is no QR code.
func decodeQR(img image.Image) (text string, err error) {
	defer func() {
		if p := recover(); p != nil {
			text, err = "", fmt.Errorf("%w (reader: %v)", ErrNoQRCode, p)
		}
	}()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNoQRCode, err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNoQRCode, err)
	}
	return res.GetText(), nil
}

// shrink scales img down by the integer factor f, each pixel the mean
// grey of an f×f block (on white, as the reader sees it).
func shrink(img image.Image, f int) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx()/f, b.Dy()/f
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var sum uint32
			for dy := 0; dy < f; dy++ {
				for dx := 0; dx < f; dx++ {
					sum += grey(img.At(b.Min.X+x*f+dx, b.Min.Y+y*f+dy))
				}
			}
			out.Pix[y*out.Stride+x] = uint8(sum / uint32(f*f))
		}
	}
	return out
}

// grey is the brightness of c (0–255) on white paper: a transparent pixel
// is white.
func grey(c color.Color) uint32 {
	r, g, b, a := c.RGBA()
	return ((r+2*g+b)/4 + 0xffff - a) >> 8
}
