package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socklab/socklab/runtime"
)

// socklab replaces parts of gopher-lua's standard library (print, io.write,
// io.read, error, pcall, xpcall, the pattern functions, ...), but must stay
// the Lua that gopher-lua implements. TestGopherLuaScripts runs gopher-lua's
// own test scripts under socklab's runtime: every one that plain gopher-lua
// passes must pass here too.

// gopherLuaScripts are the scripts gopher-lua v1.1.2's script_test.go runs
// (gluaTests and luaTests there), by directory. cwd marks the scripts that
// reach files by relative paths (attrib.lua writes modules under libs/ and
// requires them, math.lua requires "checktable", base.lua dofile's a file
// that must not exist): they run with the working directory set to the
// script's, as script_test.go runs every script, and so not in parallel.
// The others run in parallel with the working directory left as it is.
var gopherLuaScripts = []struct {
	dir, name string
	cwd       bool
}{
	{"_glua-tests", "base.lua", true},
	{"_glua-tests", "coroutine.lua", false},
	{"_glua-tests", "db.lua", false},
	{"_glua-tests", "issues.lua", false},
	{"_glua-tests", "os.lua", false},
	{"_glua-tests", "table.lua", false},
	{"_glua-tests", "vm.lua", false},
	{"_glua-tests", "math.lua", false},
	{"_glua-tests", "strings.lua", false},
	{"_glua-tests", "goto.lua", false},

	{"_lua5.1-tests", "attrib.lua", true},
	{"_lua5.1-tests", "calls.lua", false},
	{"_lua5.1-tests", "closure.lua", false},
	{"_lua5.1-tests", "constructs.lua", false},
	{"_lua5.1-tests", "events.lua", false},
	{"_lua5.1-tests", "literals.lua", false},
	{"_lua5.1-tests", "locals.lua", false},
	{"_lua5.1-tests", "math.lua", true},
	{"_lua5.1-tests", "sort.lua", false},
	{"_lua5.1-tests", "strings.lua", false},
	{"_lua5.1-tests", "vararg.lua", false},
	{"_lua5.1-tests", "pm.lua", false},
	{"_lua5.1-tests", "files.lua", false},
}

func TestGopherLuaScripts(t *testing.T) {
	// Not parallel itself: the cwd scripts change the process's working
	// directory, which no parallel test may see. They run first, in this
	// function; the parallel subtests resume only after it returns.
	src := gopherLuaSource(t)
	// The scripts write files next to themselves (attrib.lua's modules),
	// and the module cache is read-only: each directory runs from a
	// writable copy.
	copies := map[string]string{}
	for _, s := range gopherLuaScripts {
		if _, ok := copies[s.dir]; !ok {
			copies[s.dir] = copyDir(t, filepath.Join(src, s.dir))
		}
	}
	for _, s := range gopherLuaScripts {
		t.Run(s.dir+"/"+s.name, func(t *testing.T) {
			dir := copies[s.dir]
			if s.cwd {
				t.Chdir(dir)
			} else {
				t.Parallel()
			}
			code, err := os.ReadFile(filepath.Join(dir, s.name))
			if err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			rt := runtime.New(runtime.Options{Stdout: &out, Stderr: &errOut, Stdin: strings.NewReader("")})
			defer rt.Close()
			// Bounded: a script that hangs fails instead of stalling the
			// suite. sort.lua takes seconds under the race detector.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			// The chunk is named as script_test.go's L.DoFile(script)
			// names it, the bare file name: some scripts match it in
			// error messages and debug.getinfo's source.
			if err := rt.RunString(ctx, s.name, string(code)); err != nil {
				msg := err.Error()
				if serr, ok := err.(*runtime.ScriptError); ok {
					msg = serr.Traceback()
				}
				t.Errorf("%s failed under socklab:\n%s\nstdout:\n%s\nstderr:\n%s", s.name, msg, out.String(), errOut.String())
			}
		})
	}
}

var gopherLuaDir struct {
	once sync.Once
	dir  string
	why  string
}

// gopherLuaSource returns the directory of the gopher-lua module the
// runtime is built with, whose test scripts are not part of any package
// and so are only in the module's source tree. It skips the test only when
// that source cannot be had at all.
func gopherLuaSource(t *testing.T) string {
	t.Helper()
	d := &gopherLuaDir
	d.once.Do(func() {
		const mod = "github.com/yuin/gopher-lua"
		var tried []string
		if gobin, err := exec.LookPath("go"); err != nil {
			tried = append(tried, "no go command: "+err.Error())
		} else {
			out, err := exec.Command(gobin, "list", "-m", "-f", "{{.Dir}}", mod).Output()
			if dir := strings.TrimSpace(string(out)); err == nil && dir != "" {
				d.dir = dir
				return
			}
			tried = append(tried, "go list -m: "+errText(err, "no Dir"))
			// go list names no Dir when the module's zip was fetched but
			// not extracted, as a build from the build cache leaves it;
			// go mod download extracts it (from the cache, or the proxy).
			out, err = exec.Command(gobin, "mod", "download", "-json", mod).Output()
			var info struct{ Dir, Error string }
			if err == nil {
				err = json.Unmarshal(out, &info)
			}
			if err == nil && info.Dir != "" {
				d.dir = info.Dir
				return
			}
			tried = append(tried, "go mod download: "+errText(err, info.Error))
		}
		// Without the go command: where the module cache keeps it.
		version := ""
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, dep := range bi.Deps {
				if dep.Path == mod {
					version = dep.Version
				}
			}
		}
		cache := os.Getenv("GOMODCACHE")
		if cache == "" {
			gopath := os.Getenv("GOPATH")
			if gopath == "" {
				home, _ := os.UserHomeDir()
				gopath = filepath.Join(home, "go")
			}
			cache = filepath.Join(gopath, "pkg", "mod")
		}
		if version != "" {
			dir := filepath.Join(cache, mod+"@"+version)
			if _, err := os.Stat(filepath.Join(dir, "_lua5.1-tests")); err == nil {
				d.dir = dir
				return
			}
			tried = append(tried, "no "+dir)
		}
		d.why = strings.Join(tried, "; ")
	})
	if d.dir == "" {
		t.Skipf("gopher-lua's module source (with its test scripts) is unavailable: %s", d.why)
	}
	return d.dir
}

func errText(err error, otherwise string) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return strings.TrimSpace(string(ee.Stderr))
	} else if err != nil {
		return err.Error()
	}
	return otherwise
}

// copyDir copies the tree at src into a new temporary directory, writable.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatalf("copying gopher-lua's test scripts: %v", err)
	}
	return dst
}
