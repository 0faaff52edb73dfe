package awskms

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/envseal/envseal/pkg/keyprovider"
)

// requestTimeout bounds one attempt of a KMS request: connecting, sending
// and the whole answer. KMS answers in milliseconds; without a bound, a
// server that accepts a connection and never answers would hang envseal
// for good. The SDK retries a timed-out attempt like a dropped connection,
// so a call takes at most about 3 attempts of this; --timeout bounds a
// whole run more tightly.
var requestTimeout = 30 * time.Second

// Client is a KMS client for one endpoint and region. Making one reads the
// SDK's configuration (environment and shared config files) but sends no
// request: credentials are resolved on the first call.
type Client struct {
	api    *kms.Client
	region string

	opts     *keyprovider.Options // for warnings
	fallback []string             // --kms-fallback-regions, in order

	mu       sync.Mutex
	answered map[string]string // MRK ARN -> the region that last answered for it
}

// NewClient configures a client from the SDK's default chain, with
// the profile and region settings overriding it when set. If u is not
// nil, its endpoint override is applied and a region in its ARN wins.
// optFns adjust the SDK client further (tests use them to count requests
// and to bound retries); they run last.
func NewClient(ctx context.Context, u *URI, opts *keyprovider.Options, optFns ...func(*kms.Options)) (*Client, error) {
	if opts == nil {
		opts = &keyprovider.Options{}
	}
	fallback, err := fallbackRegions(opts)
	if err != nil {
		return nil, err
	}
	var load []func(*config.LoadOptions) error
	if p := opts.Setting(SettingProfile); p != "" {
		load = append(load, config.WithSharedConfigProfile(p))
	}
	if r := opts.Setting(SettingRegion); r != "" {
		load = append(load, config.WithRegion(r))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, &Error{Op: "load AWS configuration", Kind: ErrConfig, Err: err}
	}
	if cfg.Credentials != nil {
		cfg.Credentials = markedCredentials{cfg.Credentials}
	}
	// LoadDefaultConfig leaves HTTPClient nil unless something (a CA
	// bundle) configured it, and the SDK then builds its own, without the
	// per-attempt bound.
	switch hc := cfg.HTTPClient.(type) {
	case nil:
		cfg.HTTPClient = awshttp.NewBuildableClient().WithTimeout(requestTimeout)
	case *awshttp.BuildableClient:
		cfg.HTTPClient = hc.WithTimeout(requestTimeout)
	}
	// Adaptive retry unless the AWS configuration chose a mode: on
	// throttling, the client's rate limiter slows every request of a batch
	// down (its files share this one client) instead of each request
	// spending its attempts and failing its file.
	if cfg.Retryer == nil && cfg.RetryMode == "" {
		cfg.RetryMode = aws.RetryModeAdaptive
	}
	region := pickRegion(cfg.Region, u, opts)
	fns := []func(*kms.Options){func(o *kms.Options) {
		o.Region = region
		if u != nil && u.Host != "" {
			o.BaseEndpoint = aws.String(u.Endpoint())
		}
		if r, ok := o.Retryer.(aws.RetryerV2); ok {
			o.Retryer = permanentErrors{r}
		}
	}}
	return &Client{api: kms.NewFromConfig(cfg, append(fns, optFns...)...), region: region,
		opts: opts, fallback: fallback, answered: map[string]string{}}, nil
}

// pickRegion applies "a region in the key ARN wins": a key exists in one
// region only, so asking another region's endpoint for it cannot work. The
// result may be empty; callOpts reports that when a request needs it.
func pickRegion(configured string, u *URI, opts *keyprovider.Options) string {
	if u == nil || u.Region() == "" {
		return configured
	}
	if r := opts.Setting(SettingRegion); r != "" && r != u.Region() {
		opts.Warnf("using region %s from the key ARN, not %s", u.Region(), r)
	}
	return u.Region()
}

// Region returns the region requests go to unless a key ARN says otherwise.
func (c *Client) Region() string { return c.region }

// API returns the underlying SDK client, for operations this package does
// not wrap.
func (c *Client) API() *kms.Client { return c.api }

// callOpts routes a request about keyID: to the region in its ARN when it
// has one (a stanza from a multi-Region key, or a discovery unwrap, is
// decrypted where its key lives), else to the client's region, which must
// then be known.
func (c *Client) callOpts(op, keyID string) ([]func(*kms.Options), error) {
	if a, ok := parseARN(keyID); ok {
		if a.region == c.region {
			return nil, nil
		}
		return []func(*kms.Options){func(o *kms.Options) { o.Region = a.region }}, nil
	}
	if c.region == "" {
		return nil, &Error{Op: op, Key: keyID, Kind: ErrNoRegion}
	}
	return nil, nil
}
