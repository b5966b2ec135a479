//go:build socklabbench

// Command hello is W5's Go column: a program that does nothing, timed
// from outside like the empty Lua and Python scripts.
package main

func main() {}
