// Package scripts holds the bundled exercises: Lua twins of the Python
// examples in the tutorials, embedded into the binary, with their
// metadata, and Demo, which runs an exercise's server and client together.
package scripts

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed */*.lua */exercise.json
var files embed.FS

// FS is the bundled exercises as a file system: NAME/server.lua, ...
func FS() fs.FS { return files }

// Exercise is one bundled exercise, as its exercise.json describes it.
type Exercise struct {
	Name    string `json:"-"`
	Summary string `json:"summary"`
	Concept string `json:"concept"`
	Seed    string `json:"seed"`
	// Port is the seed's port, the scripts' default; Port2 a second one
	// for exercises with two listening peers.
	Port  int `json:"port"`
	Port2 int `json:"port2,omitempty"`
	// Network is "udp" for datagram exercises, else TCP.
	Network string `json:"network,omitempty"`
	// Roles are the scripts a demo runs. The first one listens; the others
	// start once it does.
	Roles []Role `json:"roles"`
}

// Role is one running script of an exercise.
type Role struct {
	Name   string `json:"name"`   // the output label: [server]
	Script string `json:"script"` // NAME/SCRIPT.lua; default: Name
	// Args default to {"{port}"}; "{port}" and "{port2}" are replaced by
	// the ports in use, "{tmpdir}" by a directory the demo removes after.
	Args []string `json:"args,omitempty"`
	// Input holds the lines the role reads with input() in a demo. A line
	// "@wait TEXT" is not read: it holds the next line back until the
	// role's output contains TEXT.
	Input []string `json:"input,omitempty"`
	// Expect holds lines the role's output must contain, in order; the
	// exercise tests check them.
	Expect []string `json:"expect"`
	// Forever marks a server that loops until interrupted, as the seed's
	// does: the demo stops it with Ctrl-C once the other roles are done.
	Forever bool `json:"forever,omitempty"`
}

// ScriptName is the bundled script the role runs: "tcp_basic/server".
func (ex Exercise) ScriptName(r Role) string {
	if r.Script != "" {
		return ex.Name + "/" + r.Script
	}
	return ex.Name + "/" + r.Name
}

// List returns every bundled exercise, sorted by name.
func List() ([]Exercise, error) {
	dirs, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil, err
	}
	var list []Exercise
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		ex, err := Lookup(d.Name())
		if err != nil {
			return nil, err
		}
		list = append(list, ex)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list, nil
}

// Lookup returns the exercise called name.
func Lookup(name string) (Exercise, error) {
	var ex Exercise
	data, err := fs.ReadFile(files, path.Join(name, "exercise.json"))
	if err != nil {
		return ex, fmt.Errorf("no bundled exercise %q (see socklab list)", name)
	}
	if err := json.Unmarshal(data, &ex); err != nil {
		return ex, fmt.Errorf("exercise %s: %w", name, err)
	}
	ex.Name = name
	if len(ex.Roles) == 0 {
		return ex, fmt.Errorf("exercise %s: no roles", name)
	}
	return ex, nil
}

// Source returns a bundled script by NAME/ROLE ("tcp_basic/server", with
// or without ".lua") and its file name for messages.
func Source(name string) (file, src string, err error) {
	file = strings.TrimSuffix(name, ".lua") + ".lua"
	data, err := fs.ReadFile(files, file)
	if err != nil {
		return "", "", fmt.Errorf("no bundled script %q (see socklab list)", name)
	}
	return file, string(data), nil
}

// Files lists an exercise's files (scripts and metadata).
func Files(name string) ([]string, error) {
	entries, err := fs.ReadDir(files, name)
	if err != nil {
		return nil, fmt.Errorf("no bundled exercise %q (see socklab list)", name)
	}
	var out []string
	for _, e := range entries {
		out = append(out, path.Join(name, e.Name()))
	}
	return out, nil
}
