package compiler

import (
	"reflect"
	"sort"
	"strings"
)

// Property YAML files through the ParseCache: a file whose text and parse-time inputs are
// unchanged is not parsed again; its Properties (with the warnings its parse gave) are
// decoded from the parse state. dbt's partial parsing likewise re-parses only the schema
// files whose checksum changed (dbt-core v1.10.23 core/dbt/parser/partial.py
// PartialParsing.build_file_diff and handle_change for ParseFileType.Schema; the saved
// manifest keeps each file's parsed dict in SchemaSourceFile.dict_from_yaml).

// PropsKind is the ParseCache key prefix of property files' entries ("yaml" + "\x00" +
// display path), so that a store can count them apart from node files.
const PropsKind = "yaml"

// cachedProps is the stored form of one property file's parse.
type cachedProps struct {
	Props *Properties
	// ConfigKeys are Properties.configKeys as (kind, what, key, at) quadruples.
	ConfigKeys [][]string
	// Warnings are what the parse warned, in order: replayed when the parse is reused.
	Warnings []string
}

// parsePropertiesCached is parseProperties with the file's Jinja rendered in its package's
// parse context, through the ParseCache when there is one. A parse is recorded when it
// succeeded and its renders had no effect a reuse would drop (log, print); its inputs
// are the file's text, the macros its renders bound and the command's flags when a render
// read them (the global inputs are the ParseCache's Begin).
func (p *projectImpl) parsePropertiesCached(f *SourceFile, warn func(string)) (*Properties, error) {
	pc := p.opts.ParseCache
	if pc == nil {
		return parseProperties(f, warn, p.propRenderer(f, nil))
	}
	key := PropsKind + "\x00" + f.DisplayPath()
	cur := func(in string) string { return p.currentInput(f, nil, in) }
	if data, ok := pc.Lookup(key, cur); ok {
		if c, ok := decodeProps(data); ok {
			c.Props.File = f
			for _, u := range c.ConfigKeys {
				c.Props.configKeys = append(c.Props.configKeys, configKeyUse{kind: u[0], what: u[1], key: u[2], at: u[3]})
			}
			for _, w := range c.Warnings {
				warn(w)
			}
			return c.Props, nil
		}
	}
	t := &parseTrack{macros: map[string]bool{}}
	var warnings []string
	props, err := parseProperties(f, func(s string) { warnings = append(warnings, s); warn(s) }, p.propRenderer(f, t))
	if err != nil {
		return props, err
	}
	inputs := map[string]string{inFile: f.Checksum}
	if t.options {
		inputs[inOptions] = cur(inOptions)
	}
	var with []string
	for id := range t.macros {
		inputs[inMacro+id] = cur(inMacro + id)
		with = append(with, id+"="+inputs[inMacro+id])
	}
	if t.options {
		with = append(with, inOptions+"="+inputs[inOptions])
	}
	switch {
	case t.noCache:
		// What the renders read differs on every run: neither this file nor the nodes it
		// patches can reuse a recorded parse.
		props.RenderedWith = "@uncacheable " + newInvocationID()
		return props, nil
	case len(with) > 0:
		sort.Strings(with)
		props.RenderedWith = "@" + hashOf(strings.Join(with, "\n"))
	}
	// The tests' names and id hashes depend on nothing but their entries: stored with them.
	for _, td := range props.Tests {
		if target, ok := fileTestTarget(td); ok {
			td.IDs = testIDsOf(td, target, testKwargs(td))
		}
	}
	c := cachedProps{Props: props, Warnings: warnings}
	for _, u := range props.configKeys {
		c.ConfigKeys = append(c.ConfigKeys, []string{u.kind, u.what, u.key, u.at})
	}
	e := stateEncoder{b: make([]byte, 0, 4096)}
	if err := e.value(reflect.ValueOf(c)); err == nil {
		pc.Store(key, inputs, e.b)
	}
	return props, nil
}

// decodeProps rebuilds a property file's stored parse.
func decodeProps(data []byte) (*cachedProps, bool) {
	var c cachedProps
	d := stateDecoder{b: data}
	d.value(reflect.ValueOf(&c).Elem())
	if d.err != nil || len(d.b) != 0 || c.Props == nil {
		return nil, false
	}
	for _, u := range c.ConfigKeys {
		if len(u) != 4 {
			return nil, false
		}
	}
	return &c, true
}
