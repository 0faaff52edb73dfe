// Command testtool prints what the shell helpers in scripts/ need to know
// about the test servers, from the Go test helpers that own those facts,
// so the two cannot drift: the local-kms pin and the environment that
// isolates the AWS SDK (internal/testkms), and where libsofthsm2.so is and
// how its configuration reads (internal/testhsm).
//
//	go run ./internal/testtool localkms-vars
//	    shell assignments: LOCAL_KMS_MODULE, LOCAL_KMS_VERSION,
//	    LOCAL_KMS_REGION, LOCAL_KMS_ACCOUNT_ID, LOCAL_KMS_SEED_FILE
//	go run ./internal/testtool localkms-install
//	    the path of a pinned local-kms ($LOCAL_KMS, PATH, GOBIN or
//	    GOPATH/bin), running go install when there is none
//	go run ./internal/testtool localkms-env DIR PID PORT
//	    export and unset lines for a server on 127.0.0.1:PORT
//	go run ./internal/testtool softhsm-module
//	    the path of libsofthsm2.so ($SOFTHSM2_MODULE overrides)
//	go run ./internal/testtool softhsm-conf TOKENDIR
//	    a softhsm2.conf keeping tokens in TOKENDIR
//	go run ./internal/testtool kmsfault-slow TARGET DELAY
//	    a kmsfault proxy in front of TARGET (http://127.0.0.1:PORT) that
//	    holds every request for DELAY (0s: passes them at once); prints
//	    its URL and serves until killed (scripts/bench-batch.sh)
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/envseal/envseal/internal/kmsfault"
	"github.com/envseal/envseal/internal/testhsm"
	"github.com/envseal/envseal/internal/testkms"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "testtool: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return usage()
	}
	n := map[string]int{"localkms-vars": 0, "localkms-install": 0, "localkms-env": 3,
		"softhsm-module": 0, "softhsm-conf": 1, "kmsfault-slow": 2}
	want, ok := n[args[0]]
	if !ok || len(args)-1 != want {
		return usage()
	}
	switch args[0] {
	case "localkms-vars":
		fmt.Print(testkms.ShellVars())
	case "localkms-install":
		bin, err := testkms.Binary()
		if err != nil {
			return err
		}
		fmt.Println(bin)
	case "localkms-env":
		fmt.Print(testkms.ShellEnv(args[1], args[2], args[3]))
	case "softhsm-module":
		m, err := testhsm.Module()
		if err != nil {
			return err
		}
		fmt.Println(m)
	case "softhsm-conf":
		fmt.Print(testhsm.Config(args[1]))
	case "kmsfault-slow":
		return slowProxy(args[1], args[2])
	}
	return nil
}

// slowProxy serves a kmsfault proxy that delays every request, until a
// signal.
func slowProxy(target, delay string) error {
	d, err := time.ParseDuration(delay)
	if err != nil {
		return err
	}
	p, err := kmsfault.Start(target)
	if err != nil {
		return err
	}
	defer p.Close()
	if d > 0 {
		p.Set(kmsfault.Slow, -1, d)
	}
	fmt.Println(p.URL)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	return nil
}

func usage() error {
	return fmt.Errorf("usage: testtool localkms-vars | localkms-install | localkms-env DIR PID PORT | softhsm-module | softhsm-conf TOKENDIR | kmsfault-slow TARGET DELAY")
}
