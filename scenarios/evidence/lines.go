package evidence

import "gopkg.in/yaml.v3"

// topMap returns the document's top-level mapping, or nil.
func topMap(root *yaml.Node) *yaml.Node {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	return n
}

// keyLine is the line of a top-level key, 0 when absent.
func keyLine(root *yaml.Node, key string) int {
	if v, k := lookup(topMap(root), key); v != nil {
		return k.Line
	}
	return 0
}

func lookup(m *yaml.Node, key string) (value, keyNode *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1], m.Content[i]
		}
	}
	return nil, nil
}

// itemLines returns the line of each item of the top-level list named key.
func itemLines(root *yaml.Node, key string) []int {
	seq, _ := lookup(topMap(root), key)
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]int, len(seq.Content))
	for i, n := range seq.Content {
		out[i] = n.Line
	}
	return out
}

// fieldLine is the line of field in item i of the top-level list key, or def when absent.
func fieldLine(root *yaml.Node, key string, i int, field string, def int) int {
	seq, _ := lookup(topMap(root), key)
	if seq == nil || seq.Kind != yaml.SequenceNode || i >= len(seq.Content) {
		return def
	}
	if _, k := lookup(seq.Content[i], field); k != nil {
		return k.Line
	}
	return def
}
