package cli

func runPrint(e *Env, args []string) error  { return usagef("print は準備中です。") }
func runReport(e *Env, args []string) error { return usagef("report は準備中です。") }
