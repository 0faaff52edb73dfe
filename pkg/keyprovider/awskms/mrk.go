package awskms

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// Multi-Region keys (MRKs). AWS gives every replica of a multi-Region key
// the same key id (mrk- and 32 hex digits) and the same key material, and
// KMS in any replica's region decrypts ciphertext made under any other
// replica when Decrypt names the local replica. Ids of single-Region keys
// are UUIDs, so the prefix alone says whether a key is an MRK.

// SettingFallbackRegions is the --kms-fallback-regions setting: an ordered,
// comma-separated list of regions that opening an MRK stanza tries, with
// the key's replica there, when the key's own region fails.
const SettingFallbackRegions = "kms-fallback-regions"

// EnvFallbackRegions supplies the setting when the flag is not given, so a
// CI job or a batch wrapper can set it once.
const EnvFallbackRegions = "ENVSEAL_KMS_FALLBACK_REGIONS"

// isMRK reports whether a names a multi-Region key.
func (a arn) isMRK() bool { return a.isKey() && strings.HasPrefix(a.keyID(), "mrk-") }

// String returns the ARN as KMS prints it.
func (a arn) String() string {
	return "arn:" + a.partition + ":kms:" + a.region + ":" + a.account + ":" + a.resource
}

// inRegion returns the same key or alias in another region: for an MRK,
// its replica there.
func (a arn) inRegion(region string) arn {
	a.region = region
	return a
}

// sameMRK reports whether a and b are replicas of one multi-Region key:
// the same mrk- id in the same partition and account. Region may differ;
// that is the point. A single-Region key is never a replica of anything.
func sameMRK(a, b arn) bool {
	return a.isMRK() && b.isMRK() && a.partition == b.partition && a.account == b.account && a.resource == b.resource
}

// fallbackRegions parses the setting (or, when unset, the environment):
// regions in order, each once. An invalid name is an error before any
// request, as a mistyped URI is.
func fallbackRegions(opts *keyprovider.Options) ([]string, error) {
	s := opts.Setting(SettingFallbackRegions)
	from := "--" + SettingFallbackRegions
	if s == "" {
		s, from = os.Getenv(EnvFallbackRegions), EnvFallbackRegions
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var regions []string
	for _, r := range strings.Split(s, ",") {
		r = strings.TrimSpace(r)
		if !validRegion(r) {
			return nil, &keyprovider.UsageError{
				Err:  fmt.Errorf("invalid %s %q: %q is not an AWS region name", from, clean(s), clean(r)),
				Hint: "give regions separated by commas, e.g. us-west-2,eu-west-1",
			}
		}
		if !contains(regions, r) {
			regions = append(regions, r)
		}
	}
	return regions, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// regionFailed reports whether err says that a region could not answer,
// rather than answering no: the endpoint was unreachable, KMS kept
// throttling, or it failed with a server error (5xx), each after the
// SDK's retries. Access denied, invalid ciphertext, key not found and the
// like are answers: asking a replica instead would only hide them, or
// work around a policy that said no. A run that is out of time (--timeout,
// an interrupt) is not a region failure either.
func regionFailed(ctx context.Context, err error) bool {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, ErrUnreachable) || errors.Is(err, ErrThrottled) {
		return true
	}
	if errors.Is(err, ErrKeyUsage) { // local-kms's permanent 500s (unsupportedKeyType)
		return false
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() >= 500
}

// noReplica reports a fallback region that has no replica of the key:
// the list may name regions the key is not replicated to (a list shared
// by several keys), and the next region may have one. In the key's own
// region, not found is an answer.
func noReplica(err error) bool { return errors.Is(err, ErrKeyNotFound) }

// regionsError is the last region's failure after earlier regions failed
// too: one line, and errors.Is/As (and the hint) see the last failure.
type regionsError struct {
	err    error
	failed []string // the regions that failed before, in order
}

func (e *regionsError) Error() string {
	return fmt.Sprintf("%v (tried %s first: %s failed too)", e.err, strings.Join(e.failed, ", "),
		plural(len(e.failed), "it", "they"))
}

func (e *regionsError) Unwrap() error { return e.err }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// regionOrder is the order in which to ask for key a: the region that
// answered last time for this key (so that a batch does not wait for a
// dead region once per file), then a's own region, then the fallbacks.
func (c *Client) regionOrder(a arn) []string {
	order := []string{a.region}
	if !a.isMRK() {
		return order
	}
	for _, r := range c.fallback {
		if !contains(order, r) {
			order = append(order, r)
		}
	}
	c.mu.Lock()
	sticky := c.answered[a.String()]
	c.mu.Unlock()
	if sticky != "" && sticky != a.region {
		rest := []string{sticky}
		for _, r := range order {
			if r != sticky {
				rest = append(rest, r)
			}
		}
		order = rest
	}
	return order
}

// acrossRegions runs call for key a in its region and, for an MRK, on a
// region failure, for its replica in each fallback region in turn (past
// fallback regions that have no replica). When a
// region other than a's answers, it says so once per key and region: the
// user must know that the file was opened in another region (CloudTrail
// records it there, and that region's key policy applied).
func (c *Client) acrossRegions(ctx context.Context, a arn, call func(key string) error) error {
	order := c.regionOrder(a)
	var failed []string
	var first error
	for i, r := range order {
		err := call(a.inRegion(r).String())
		if err == nil {
			c.noteAnswer(a, r, failed, first)
			return nil
		}
		if i == len(order)-1 || !(regionFailed(ctx, err) || i > 0 && noReplica(err)) {
			if len(failed) > 0 {
				return &regionsError{err: err, failed: failed}
			}
			return err
		}
		if first == nil {
			first = err
		}
		failed = append(failed, r)
	}
	panic("unreachable") // the last region returns above
}

// noteAnswer records that region r answered for a, and warns when that is
// a fallback region, once per key and region.
func (c *Client) noteAnswer(a arn, r string, failed []string, failure error) {
	key := a.String()
	c.mu.Lock()
	prev := c.answered[key]
	c.answered[key] = r
	c.mu.Unlock()
	if r == a.region || prev == r {
		return
	}
	why := "it failed earlier in this run"
	if failure != nil {
		why = kindText(failure)
	}
	c.opts.Warnf("KMS in %s answered for %s: %s failed (%s); falling back per --%s",
		r, a.keyID(), strings.Join(failed, ", "), why, SettingFallbackRegions)
}

// kindText is the short cause of a failure: its kind, else its detail.
func kindText(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != nil {
		return e.Kind.Error()
	}
	return clean(err.Error())
}
