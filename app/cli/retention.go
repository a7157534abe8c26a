package cli

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/office"
)

// retentionKinds names the rules on the command line: Japanese first, the
// English key second, in the order of the 「保存期間を過ぎた記録」 screen.
var retentionKinds = []struct {
	ja, en string
	rule   func(r *office.RetentionRules) *int
}{
	{"相談記録", "consultation", func(r *office.RetentionRules) *int { return &r.Consultation }},
	{"予約", "reservation", func(r *office.RetentionRules) *int { return &r.Reservation }},
	{"専門家派遣", "dispatch", func(r *office.RetentionRules) *int { return &r.Dispatch }},
	{"セミナー申込", "application", func(r *office.RetentionRules) *int { return &r.Application }},
	{"事業者", "business", func(r *office.RetentionRules) *int { return &r.Business }},
}

// runRetention shows the office's retention rules, or changes them with
// --set (supervisors and admins; the change is signed and reaches the
// other PCs at their next sync).
func runRetention(e *Env, args []string) error {
	var c common
	fs := flag.NewFlagSet("retention", flag.ContinueOnError)
	c.register(fs)
	set := fs.String("set", "", "変える保存期間（年）。例: 相談記録=7,予約=3（consultation, reservation, dispatch, application, business も可）")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	o, s, err := e.open(&c)
	if err != nil {
		return err
	}
	defer o.Close()
	r, err := o.Retention(e.ctx, s)
	if err != nil {
		return err
	}
	if *set != "" {
		if r, err = parseRetention(r, *set); err != nil {
			return err
		}
		if err := o.SetRetention(e.ctx, s, r); err != nil {
			return err
		}
		fmt.Fprintln(e.Stdout, "保存期間を変えました。ほかのパソコンには次の同期で届きます。")
	}
	for _, k := range retentionKinds {
		fmt.Fprintf(e.Stdout, "%s\t%d年\n", k.ja, *k.rule(&r))
	}
	return nil
}

// parseRetention applies "kind=years,…" to r.
func parseRetention(r office.RetentionRules, v string) (office.RetentionRules, error) {
	for _, part := range strings.Split(v, ",") {
		name, years, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return r, usagef("--set は 種類=年数 をカンマで区切って指定してください（例: 相談記録=7,予約=3）。")
		}
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(years), "年")))
		if err != nil || n < 1 || n > 100 {
			return r, usagef("%s の保存期間は 1 から 100 までの年数で指定してください。", name)
		}
		found := false
		for _, k := range retentionKinds {
			if name == k.ja || strings.EqualFold(name, k.en) {
				*k.rule(&r), found = n, true
			}
		}
		if !found {
			return r, usagef("種類「%s」がありません（相談記録、予約、専門家派遣、セミナー申込、事業者）。", name)
		}
	}
	return r, nil
}
