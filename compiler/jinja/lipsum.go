package jinja

import (
	"errors"
	"math/rand/v2"
	"strings"
)

// lipsum is Jinja2's lipsum global (utils.py generate_lorem_ipsum): n paragraphs of 20 to 99
// random words from Jinja2's lorem ipsum vocabulary (constants.py), capitalised after each
// full stop, with a comma every few words and a full stop every ten or more; as Markup
// paragraphs in <p> tags unless html is false, then separated by blank lines. As in Jinja2,
// the text is random on every call, so only its shape can be compared.
type lipsum struct{}

// lipsumWords is constants.py LOREM_IPSUM_WORDS.
var lipsumWords = strings.Fields(`
a ac accumsan ad adipiscing aenean aliquam aliquet amet ante aptent arcu at auctor augue
bibendum blandit class commodo condimentum congue consectetuer consequat conubia convallis
cras cubilia cum curabitur curae cursus dapibus diam dictum dictumst dignissim dis dolor
donec dui duis egestas eget eleifend elementum elit enim erat eros est et etiam eu euismod
facilisi facilisis fames faucibus felis fermentum feugiat fringilla fusce gravida habitant
habitasse hac hendrerit hymenaeos iaculis id imperdiet in inceptos integer interdum ipsum
justo lacinia lacus laoreet lectus leo libero ligula litora lobortis lorem luctus maecenas
magna magnis malesuada massa mattis mauris metus mi molestie mollis montes morbi mus nam
nascetur natoque nec neque netus nibh nisi nisl non nonummy nostra nulla nullam nunc odio
orci ornare parturient pede pellentesque penatibus per pharetra phasellus placerat platea
porta porttitor posuere potenti praesent pretium primis proin pulvinar purus quam quis
quisque rhoncus ridiculus risus rutrum sagittis sapien scelerisque sed sem semper senectus
sit sociis sociosqu sodales sollicitudin suscipit suspendisse taciti tellus tempor tempus
tincidunt torquent tortor tristique turpis ullamcorper ultrices ultricies urna ut varius
vehicula vel velit venenatis vestibulum vitae vivamus viverra volutpat vulputate
`)

// JinjaString is the repr of the Python function.
func (lipsum) JinjaString() string { return "<function generate_lorem_ipsum at 0x7f0000001e70>" }

// JinjaTypeName implements TypeNamer.
func (lipsum) JinjaTypeName() string { return "function" }

// CallJinja implements Callable.
func (lipsum) CallJinja(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
	a, err := bindArgs("generate_lorem_ipsum", args, kwargs, []string{"n", "html", "min", "max"}, []Value{int64(5), true, int64(20), int64(100)})
	if err != nil {
		return nil, err
	}
	var ints [3]int64
	for i, v := range []Value{a[0], a[2], a[3]} {
		n, ok := asInt(v)
		if !ok {
			return nil, typeErr(pyQuote(typeName(v)) + " object cannot be interpreted as an integer")
		}
		ints[i] = n
	}
	n, lo, hi := ints[0], ints[1], ints[2]
	if n > 0 && lo >= hi {
		return nil, errors.New("empty range for randrange() (" + itoa(int(lo)) + ", " + itoa(int(hi)) + ", " + itoa(int(hi-lo)) + ")")
	}
	var paras []string
	for range max(n, 0) {
		nextCap := true
		lastComma, lastStop := int64(0), int64(0)
		last := ""
		var p []string
		count := lo + rand.Int64N(hi-lo)
		for idx := range count {
			word := last
			for word == last {
				word = lipsumWords[rand.IntN(len(lipsumWords))]
			}
			last = word
			if nextCap {
				word = strings.ToUpper(word[:1]) + word[1:]
				nextCap = false
			}
			if idx-(3+rand.Int64N(5)) > lastComma {
				lastComma = idx
				lastStop += 2
				word += ","
			}
			if idx-(10+rand.Int64N(10)) > lastStop {
				lastComma, lastStop = idx, idx
				word += "."
				nextCap = true
			}
			p = append(p, word)
		}
		s := strings.Join(p, " ")
		if strings.HasSuffix(s, ",") {
			s = s[:len(s)-1] + "."
		} else if !strings.HasSuffix(s, ".") {
			s += "."
		}
		paras = append(paras, s)
	}
	if !Truthy(a[1]) {
		return strings.Join(paras, "\n\n"), nil
	}
	for i, s := range paras {
		paras[i] = "<p>" + s + "</p>" // the words need no escaping
	}
	return Markup(strings.Join(paras, "\n")), nil
}
