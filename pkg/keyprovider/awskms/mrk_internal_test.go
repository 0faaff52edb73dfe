package awskms

import (
	"context"
	"errors"
	"net/http"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/envseal/envseal/pkg/keyprovider"
)

const (
	mrkEast = "arn:aws:kms:us-east-1:111122223333:key/mrk-5e7a1c2b3d4f40a8b9c0d1e2f3a4b5c6"
	mrkWest = "arn:aws:kms:us-west-2:111122223333:key/mrk-5e7a1c2b3d4f40a8b9c0d1e2f3a4b5c6"
)

// The replica rule: same partition, account and mrk- id; region free.
// Nothing else matches, and single-Region keys never do.
func TestMineOrReplica(t *testing.T) {
	tests := []struct {
		mine, stanza, want string
	}{
		{mrkEast, mrkEast, mrkEast},
		{mrkWest, mrkEast, mrkWest}, // Decrypt goes to the replica the user named
		{"arn:aws:kms:us-west-2:444455556666:key/mrk-5e7a1c2b3d4f40a8b9c0d1e2f3a4b5c6", mrkEast, ""},
		{"arn:aws-cn:kms:cn-north-1:111122223333:key/mrk-5e7a1c2b3d4f40a8b9c0d1e2f3a4b5c6", mrkEast, ""},
		{"arn:aws:kms:us-west-2:111122223333:key/mrk-00000000000000000000000000000000", mrkEast, ""},
		{"arn:aws:kms:us-west-2:111122223333:key/0b2ba0b4-6f7c-4a3e-9d1f-3c5e2a7d8f10",
			"arn:aws:kms:us-east-1:111122223333:key/0b2ba0b4-6f7c-4a3e-9d1f-3c5e2a7d8f10", ""},
	}
	for _, tt := range tests {
		m, ok1 := parseKeyARN(tt.mine)
		s, ok2 := parseKeyARN(tt.stanza)
		if !ok1 || !ok2 {
			t.Fatalf("bad test ARN %s or %s", tt.mine, tt.stanza)
		}
		if got := mineOrReplica(m, s); got != tt.want {
			t.Errorf("mineOrReplica(%s, %s) = %q, want %q", tt.mine, tt.stanza, got, tt.want)
		}
	}
}

// A bare mrk- id is exact: it does not match another region's stanza, and
// costs no request when its id differs.
func TestBareMRKIDIsNotAReplica(t *testing.T) {
	k, err := Open(t.Context(), "awskms:///mrk-5e7a1c2b3d4f40a8b9c0d1e2f3a4b5c6", &keyprovider.Options{})
	if err != nil {
		t.Fatal(err)
	}
	k.arn = mrkWest // as DescribeKey would answer with --region us-west-2
	got, err := k.target(t.Context(), mrkEast)
	if err != nil || got != "" {
		t.Errorf("target = %q, %v; want no match", got, err)
	}
}

func TestFallbackRegions(t *testing.T) {
	t.Setenv(EnvFallbackRegions, "eu-west-1")
	for _, tt := range []struct {
		flag string
		want []string
		bad  bool
	}{
		{"", []string{"eu-west-1"}, false},
		{"us-west-2, eu-west-1,us-west-2", []string{"us-west-2", "eu-west-1"}, false},
		{"us-west-2,", nil, true},
		{"US-WEST-2", nil, true},
		{"us-west-2;eu-west-1", nil, true},
	} {
		got, err := fallbackRegions(&keyprovider.Options{Settings: map[string]string{SettingFallbackRegions: tt.flag}})
		var ue *keyprovider.UsageError
		if tt.bad != errors.As(err, &ue) || len(got) != len(tt.want) {
			t.Errorf("%q: %v, %v; want %v (error %v)", tt.flag, got, err, tt.want, tt.bad)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%q: %v, want %v", tt.flag, got, tt.want)
			}
		}
	}
}

// Failures of a region move on; answers, and a run out of time, do not.
func TestRegionFailed(t *testing.T) {
	resp := func(code int) error {
		return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: code}}, Err: errors.New("x")}}
	}
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"unreachable", &Error{Kind: ErrUnreachable}, true},
		{"throttled", &Error{Kind: ErrThrottled}, true},
		{"500", &Error{Err: resp(500)}, true},
		{"503", &Error{Err: resp(503)}, true},
		{"access denied", &Error{Kind: ErrAccessDenied, Err: resp(400)}, false},
		{"invalid ciphertext", &Error{Kind: ErrInvalidCiphertext, Err: resp(400)}, false},
		{"not found", &Error{Kind: ErrKeyNotFound, Err: resp(400)}, false},
		{"key usage 500", &Error{Kind: ErrKeyUsage, Err: resp(500)}, false},
		{"deadline", &Error{Kind: ErrUnreachable, Err: context.DeadlineExceeded}, false},
	} {
		if got := regionFailed(ctx, tt.err); got != tt.want {
			t.Errorf("%s: regionFailed = %v, want %v", tt.name, got, tt.want)
		}
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if regionFailed(done, &Error{Kind: ErrUnreachable}) {
		t.Error("a cancelled run falls back")
	}
}
