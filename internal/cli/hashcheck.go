package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/envseal/envseal/internal/checksum"
)

// maxSumsLine bounds one line of a checksum list: a digest, a path of at
// most PATH_MAX bytes, escaped.
const maxSumsLine = 16 << 10

var errLineTooLong = errors.New("line too long")

// checkStats counts the outcomes of hash -c, as sha256sum -c reports them.
type checkStats struct {
	checked, malformed, unreadable, mismatched int
}

// hashCheck verifies every file named in the list opts.Check.
func hashCheck(ctx context.Context, opts *HashOptions, alg *checksum.Algorithm) error {
	list, err := openInput(opts.IO, opts.Check)
	if err != nil {
		return err
	}
	defer list.Close()
	listIsStdin := list.file == nil
	r := bufio.NewReaderSize(ctxReader{ctx, list}, maxSumsLine)
	var st checkStats
	for lineNo := 1; ; lineNo++ {
		line, err := readLine(r)
		if err == io.EOF {
			break
		}
		if err != nil && !errors.Is(err, errLineTooLong) {
			return fmt.Errorf("failed to read %s: %w", list.name, err)
		}
		if err == nil && strings.HasPrefix(line, "#") {
			continue
		}
		l, perr := checkLine(line, err, alg, listIsStdin)
		if perr != nil {
			st.malformed++
			fmt.Fprintf(opts.IO.ErrOut, "envseal: warning: %s:%d: %v\n", opts.Check, lineNo, perr)
			continue
		}
		if err := checkFile(ctx, opts.IO, l, &st); err != nil {
			return err
		}
	}
	return st.result(opts.IO, opts.Check, opts.Strict)
}

// checkLine parses one list line. A list read from stdin cannot name "-":
// stdin is already the list.
func checkLine(line string, readErr error, alg *checksum.Algorithm, listIsStdin bool) (*checksum.Line, error) {
	if readErr != nil {
		return nil, fmt.Errorf("%w: %w", checksum.ErrMalformed, readErr)
	}
	l, err := checksum.ParseLine(line, alg)
	if err == nil && l.Name == "-" && listIsStdin {
		return nil, fmt.Errorf("%w: names standard input, which holds the list", checksum.ErrMalformed)
	}
	return l, err
}

// checkFile hashes one listed file and prints its outcome.
func checkFile(ctx context.Context, ios *IOStreams, l *checksum.Line, st *checkStats) error {
	st.checked++
	name := checksum.QuoteName(l.Name)
	sum, err := hashFile(ctx, ios, l.Alg, l.Name)
	switch {
	case errors.Is(err, ErrInterrupted):
		return err
	case err != nil:
		st.unreadable++
		fmt.Fprintf(ios.ErrOut, "envseal: warning: %s\n", fileError(l.Name, err))
		fmt.Fprintf(ios.Out, "%s: FAILED open or read\n", name)
	case !bytes.Equal(sum, l.Sum):
		st.mismatched++
		fmt.Fprintf(ios.Out, "%s: FAILED\n", name)
	default:
		fmt.Fprintf(ios.Out, "%s: OK\n", name)
	}
	return nil
}

// result turns the counts into the exit status, with sha256sum's wording.
func (st *checkStats) result(ios *IOStreams, list string, strict bool) error {
	if st.checked == 0 {
		return fmt.Errorf("%s: no properly formatted checksum lines found", list)
	}
	var problems []string
	if st.mismatched > 0 {
		problems = append(problems, plural(st.mismatched, "computed checksum did", "computed checksums did")+" NOT match")
	}
	if st.unreadable > 0 {
		problems = append(problems, plural(st.unreadable, "listed file", "listed files")+" could not be read")
	}
	if st.malformed > 0 {
		problems = append(problems, plural(st.malformed, "line is", "lines are")+" improperly formatted")
	}
	if len(problems) == 0 {
		return nil
	}
	if st.mismatched+st.unreadable > 0 || strict {
		return errors.New(strings.Join(problems, ", "))
	}
	fmt.Fprintf(ios.ErrOut, "envseal: warning: %s\n", problems[0])
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// readLine returns the next line without its newline. A line longer than
// the reader's buffer is skipped whole and reported as errLineTooLong, so
// one bad line neither stops the check nor takes unbounded memory.
func readLine(r *bufio.Reader) (string, error) {
	b, err := r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = r.ReadSlice('\n')
		}
		if err != nil && err != io.EOF {
			return "", err
		}
		return "", errLineTooLong
	}
	if err == io.EOF && len(b) > 0 {
		err = nil
	}
	return strings.TrimSuffix(string(b), "\n"), err
}
