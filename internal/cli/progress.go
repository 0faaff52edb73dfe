package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progressAfter is how much input must go by before a bar appears: smaller
// jobs finish before a bar would help, and a bar that flashes is noise.
const progressAfter = 8 << 20

// progressReader counts what is read and draws a bar on the terminal once
// the job has proved long. size is -1 when unknown (a pipe): the bar then
// shows a running count and rate instead of a fraction and ETA.
type progressReader struct {
	r    io.Reader
	ios  *IOStreams
	verb string
	size int64
	n    int64
	bar  *progressbar.ProgressBar
}

// withProgress wraps r when stderr is a terminal and --quiet is not set.
func withProgress(ios *IOStreams, r io.Reader, size int64, verb string) *progressReader {
	return &progressReader{r: r, ios: ios, verb: verb, size: size}
}

func (p *progressReader) enabled() bool {
	return p.ios.StderrTTY && !p.ios.Quiet
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	switch {
	case p.bar != nil:
		if p.size < 0 && p.n>>20 != (p.n-int64(n))>>20 {
			// Unknown size: the bar is a spinner, so say how far we are.
			p.bar.Describe(fmt.Sprintf("%s %d MiB", p.verb, p.n>>20))
		}
		p.bar.Add(n)
	case p.n >= progressAfter && p.enabled():
		p.bar = progressbar.NewOptions64(p.size,
			progressbar.OptionSetWriter(p.ios.ErrOut),
			progressbar.OptionSetDescription(p.verb),
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

// finish removes the bar, whatever the outcome, so that an error message
// starts on a clean line.
func (p *progressReader) finish() {
	if p.bar != nil {
		p.bar.Clear()
		p.bar.Exit()
	}
}
