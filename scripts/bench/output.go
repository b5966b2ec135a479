package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// WriteJSON writes the results, every repetition's value included, to
// path.
func (res *Results) WriteJSON(path string) error {
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(path, append(data, '\n'))
}

// WriteChart writes the ratio chart (SVG) to path.
func (res *Results) WriteChart(path string) error {
	data, err := res.Chart()
	if err != nil {
		return err
	}
	return writeAtomic(path, data)
}

// writeAtomic writes data under a temporary name beside path, then
// renames it into place, so a reader never sees half a file.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
