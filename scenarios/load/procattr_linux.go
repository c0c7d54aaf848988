package load

import "syscall"

// k6ProcAttr puts k6 in its own process group, so that a Ctrl-C at the terminal reaches
// eidsim alone, which passes one interrupt on: k6 then stops gracefully and its outputs write
// their last copy (a second interrupt would make k6 exit at once, losing it). Should eidsim
// die without passing it on, the kernel interrupts k6 (Pdeathsig).
func k6ProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGINT}
}
