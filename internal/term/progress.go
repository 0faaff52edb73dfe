package term

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progressAfter is how much input must go by before a bar appears: smaller
// jobs finish before a bar would help, and a bar that flashes is noise.
const progressAfter = 8 << 20

// Progress is a reader that counts what is read and draws a bar once the
// job has proved long.
type Progress struct {
	r     io.Reader
	w     io.Writer
	label string
	size  int64
	n     int64
	bar   *progressbar.ProgressBar
}

// NewProgress counts what is read from r, and after 8 MiB draws a bar
// labelled label on w (a terminal; nil for no bar). size is -1 when
// unknown (a pipe): the bar then shows a running count and rate instead
// of a fraction and ETA.
func NewProgress(r io.Reader, w io.Writer, size int64, label string) *Progress {
	return &Progress{r: r, w: w, label: label, size: size}
}

func (p *Progress) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	switch {
	case p.bar != nil:
		if p.size < 0 && p.n>>20 != (p.n-int64(n))>>20 {
			// Unknown size: the bar is a spinner, so say how far we are.
			p.bar.Describe(fmt.Sprintf("%s %d MiB", p.label, p.n>>20))
		}
		p.bar.Add(n)
	case p.n >= progressAfter && p.w != nil:
		p.bar = progressbar.NewOptions64(p.size,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(p.label),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowTotalBytes(true),
			progressbar.OptionUseIECUnits(true),
			progressbar.OptionSetPredictTime(p.size > 0),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
		p.bar.Set64(p.n)
	}
	return n, err
}

// Finish removes the bar, whatever the outcome, so that an error message
// starts on a clean line.
func (p *Progress) Finish() {
	if p.bar != nil {
		p.bar.Clear()
		p.bar.Exit()
	}
}
