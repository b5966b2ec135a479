package bindings

// suggestion is the name among names nearest to name, as CPython 3.12's
// "Did you mean" picks it (Python/suggestions.c): an edit distance where a
// change of case costs 1 and any other edit 2, within (len(name) +
// len(candidate) + 3) / 3; "" when none is near enough.
func suggestion(name string, names []string) string {
	best, bestDist := "", 0
	for _, c := range names {
		if c == name {
			continue
		}
		limit := (len(name) + len(c) + 3) * 2 / 6
		if d := editDistance(name, c, limit); d <= limit && (best == "" || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the weighted Levenshtein distance of a and b, or more
// than limit when it exceeds limit.
func editDistance(a, b string, limit int) int {
	const edit = 2
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j * edit
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i * edit
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			sub := edit
			switch {
			case a[i-1] == b[j-1]:
				sub = 0
			case lower(a[i-1]) == lower(b[j-1]):
				sub = 1
			}
			cur[j] = min(prev[j-1]+sub, prev[j]+edit, cur[j-1]+edit)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
