// A real AWS SDK for Go v2 client (Debian's golang-github-aws-aws-sdk-go-v2-dev), built
// offline in GOPATH mode by test/integration/link-local.test.ts: it loads the default
// configuration, so its credentials come from the default chain (IMDS at 169.254.169.254
// when nothing else is configured), and calls GetCallerIdentity at the STS URL given as
// its only argument. Prints one JSON line: {ok, arn, accessKeyId, source, error}.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	out := map[string]interface{}{"ok": false}
	defer func() {
		line, _ := json.Marshal(out)
		fmt.Println(string(line))
		if out["ok"] != true {
			os.Exit(1)
		}
	}()
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"))
	if err != nil {
		out["error"] = err.Error()
		return
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		out["error"] = err.Error()
		return
	}
	out["accessKeyId"] = creds.AccessKeyID
	out["source"] = creds.Source
	client := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.EndpointResolver = sts.EndpointResolverFromURL(os.Args[1])
	})
	identity, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		out["error"] = err.Error()
		return
	}
	out["ok"] = true
	out["arn"] = aws.ToString(identity.Arn)
}
