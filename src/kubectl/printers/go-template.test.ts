// Go templates as kubectl runs them: each case's expected output (or error, with the output written
// before it) is what kubectl 1.32 printed for `kubectl get -o go-template=<template>` on this object,
// with and without --allow-missing-template-keys=false (a second expectation when they differ).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx } from '../../api/jsonpath/test-fixture.js';
import { GoTemplate, partialOutput, TemplateExecError, TemplateParseError } from './go-template.js';


type Expect = string | { partial: string; error: string } | { parseError: string };

const cases: [string, Expect, Expect?][] = [
  ["{{.metadata.name}} {{.spec.replicas}} {{.spec.ratio}} {{.spec.big}} {{.spec.mid}} {{.spec.enabled}}", "fx 3 0.5 1e+21 1.2345675e+06 true"],
  ["{{.spec.missing}}|{{.spec.missing.deeper}}|{{.spec.nothing}}|{{index .spec.names 1}}", "<no value>|<no value>|<no value>|b", { partial: "", error: "template: output:1:7: executing \"output\" at <.spec.missing>: map has no entry for key \"missing\"" }],
  ["{{.spec.names}} {{.spec.labels}} {{.spec.conditions}} {{.spec.emptymap}} {{.spec.empty}}", "[a b c d] map[a.b/c:dot app:web tier:<front>&] [map[n:1 status:True type:Ready] map[n:2 status:False type:Synced] map[n:3 type:Old]] map[] []"],
  ["{{range .spec.names}}{{.}},{{end}}", "a,b,c,d,"],
  ["{{range $i, $c := .spec.conditions}}{{$i}}:{{$c.type}}/{{$c.status}} {{end}}", "0:Ready/True 1:Synced/False 2:Old/<no value> ", { partial: "0:Ready/True 1:Synced/False 2:Old/", error: "template: output:1:59: executing \"output\" at <$c.status>: map has no entry for key \"status\"" }],
  ["{{range $k, $v := .spec.labels}}{{$k}}={{$v}};{{end}}", "a.b/c=dot;app=web;tier=<front>&;"],
  ["{{range .spec.empty}}x{{else}}none{{end}}", "none"],
  ["{{range .spec.names}}{{if eq . \"c\"}}{{break}}{{end}}{{if eq . \"a\"}}{{continue}}{{end}}{{.}}{{end}}", "b"],
  ["{{if .spec.enabled}}on{{else}}off{{end}} {{if .spec.missing}}a{{else if .spec.empty}}b{{else}}c{{end}}", "on c", { partial: "on ", error: "template: output:1:51: executing \"output\" at <.spec.missing>: map has no entry for key \"missing\"" }],
  ["{{with .spec.labels}}{{.app}}{{end}} {{with .spec.missing}}x{{else}}none{{end}} {{with $x := .kind}}{{$x}}{{end}}", "web none Thing", { partial: "web ", error: "template: output:1:49: executing \"output\" at <.spec.missing>: map has no entry for key \"missing\"" }],
  ["{{index .spec.labels \"a.b/c\"}} {{index .spec.labels \"nope\"}} {{index .spec.nested 1 0 \"a\"}} {{index .spec.conditions 0 \"type\"}}", "dot <no value> 1 Ready"],
  ["{{len .spec.names}} {{len .spec.labels}} {{len .metadata.name}} {{.spec.names | len}}", "4 3 2 4"],
  ["{{printf \"%s=%d %v %q %5.2f|%-4s|%04d %x %t %T\" .kind .spec.replicas .spec.names .metadata.name .spec.ratio \"ab\" 7 255 .spec.enabled .spec.labels}}", "Thing=3 [a b c d] \"fx\"  0.50|ab  |0007 ff true map[string]interface {}"],
  ["{{print \"a\" 1 2 \"b\"}}|{{println .kind 3}}|{{print .spec.missing}}", "a1 2b|Thing 3\n|<nil>", { partial: "a1 2b|Thing 3\n|", error: "template: output:1:55: executing \"output\" at <.spec.missing>: map has no entry for key \"missing\"" }],
  ["{{eq .kind \"Thing\"}} {{ne .spec.replicas 3}} {{lt .spec.replicas 5}} {{ge .spec.ratio 0.5}} {{eq .spec.missing \"x\"}} {{eq .kind \"A\" \"B\" \"Thing\"}}", "true false true true false true", { partial: "true false true true ", error: "template: output:1:102: executing \"output\" at <.spec.missing>: map has no entry for key \"missing\"" }],
  ["{{and .spec.enabled .kind}} {{or .spec.missing \"\" \"dflt\"}} {{not .spec.empty}}", "Thing dflt true", { partial: "Thing ", error: "template: output:1:38: executing \"output\" at <.spec.missing>: map has no entry for key \"missing\"" }],
  ["{{$n := .metadata.name}}{{$n}} {{$n = \"other\"}}{{$n}} {{$.kind}}", "fx other Thing"],
  ["{{- \" trimmed \" -}}   |   {{- \"x\" }}  {{/* a comment */}}end", " trimmed |x  end"],
  ["{{base64decode \"aGVsbG8gd29ybGQ=\"}}", "hello world"],
  ["{{exists .spec \"labels\" \"app\"}} {{exists .spec \"labels\" \"nope\"}} {{exists .spec.names 9}}", "true false false"],
  ["{{html \"<a href='x'>&</a>\"}} {{js \"it's \\\"q\\\" <b>\"}} {{urlquery \"a b&c=d\"}}", "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt; it\\'s \\\"q\\\" \\u003Cb\\u003E a+b%26c%3Dd"],
  ["{{slice .spec.names 1 3}} {{slice .metadata.name 0 1}}", "[b c] f"],
  ["{{define \"item\"}}[{{.}}]{{end}}{{range .spec.names}}{{template \"item\" .}}{{end}}", "[a][b][c][d]"],
  ["{{.spec.missing}}", "<no value>", { partial: "", error: "template: output:1:7: executing \"output\" at <.spec.missing>: map has no entry for key \"missing\"" }],
  ["{{index .spec.names 9}}", { partial: "", error: "template: output:1:2: executing \"output\" at <index .spec.names 9>: error calling index: index out of range: 9" }],
  ["{{.spec.names.x}}", { partial: "", error: "template: output:1:7: executing \"output\" at <.spec.names.x>: can't evaluate field x in type interface {}" }],
  ["{{range .spec.names}}{{.x}}{{end}}", { partial: "", error: "template: output:1:23: executing \"output\" at <.x>: can't evaluate field x in type interface {}" }],
  ["{{.spec.nothing.x}}", { partial: "", error: "template: output:1:7: executing \"output\" at <.spec.nothing.x>: nil pointer evaluating interface {}.x" }],
  ["{{len .spec.replicas}}", { partial: "", error: "template: output:1:2: executing \"output\" at <len .spec.replicas>: error calling len: len of type int64" }],
  ["{{base64decode \"!!!\"}}", { partial: "", error: "template: output:1:2: executing \"output\" at <base64decode \"!!!\">: error calling base64decode: base64 decode failed: illegal base64 data at input byte 0" }],
  ["{{base64decode .spec.replicas}}", { partial: "", error: "template: output:1:20: executing \"output\" at <.spec.replicas>: wrong type for value; expected string; got int64" }],
  ["{{printf \"%d %s\" \"x\" 3}} {{printf \"%d\"}} {{printf \"%d\" 1 2}}", "%!d(string=x) %!s(int=3) %!d(MISSING) 1%!(EXTRA int=2)"],
  ["{{nil}}", { partial: "", error: "template: output:1:2: executing \"output\" at <nil>: nil is not a command" }],
  ["{{ .kind 3 }}", { partial: "", error: "template: output:1:3: executing \"output\" at <.kind>: kind is not a method but has arguments" }],
  ["{{lt .spec.ratio 1}}", { partial: "", error: "template: output:1:2: executing \"output\" at <lt .spec.ratio 1>: error calling lt: incompatible types for comparison" }],
  ["{{template \"nope\"}}", { partial: "", error: "template: output:1:11: executing \"output\" at <{{template \"nope\"}}>: template \"nope\" not defined" }],
  ["{{range .kind}}{{end}}", { partial: "", error: "template: output:1:8: executing \"output\" at <.kind>: range can't iterate over Thing" }],
  ["{{.spec.names", { parseError: "template: output:1: unclosed action" }],
  ["{{if}}{{end}}", { parseError: "template: output:1: missing value for if" }],
  ["{{end}}", { parseError: "template: output:1: unexpected {{end}}" }],
  ["{{range .spec.names}}", { parseError: "template: output:1: unexpected EOF" }],
  ["{{ $undefined }}", { parseError: "template: output:1: undefined variable \"$undefined\"" }],
  ["{{ nofunc 1 }}", { parseError: "template: output:1: function \"nofunc\" not defined" }],
  ["{{ .spec.labels.a-b }}", { parseError: "template: output:1: bad character U+002D '-'" }],
  ["{{ \"a\" | printf \"%s%s\" \"b\" }} {{ 3 | printf \"%d\" }}", "ba 3"],
];

function run(text: string, allowMissingKeys: boolean): Expect {
  let t: GoTemplate;
  try {
    t = new GoTemplate(text);
  } catch (e) {
    assert.ok(e instanceof TemplateParseError, String(e));
    return { parseError: e.message };
  }
  try {
    return t.execute(fx, { allowMissingKeys });
  } catch (e) {
    assert.ok(e instanceof TemplateExecError, String(e));
    return { partial: partialOutput(e), error: e.message };
  }
}

test('templates print what kubectl prints, with missing keys allowed and not', () => {
  for (const [text, allowed, strict] of cases) {
    assert.deepEqual(run(text, true), allowed, `${text} (missing keys allowed)`);
    assert.deepEqual(run(text, false), strict ?? allowed, `${text} (missing keys not allowed)`);
  }
});

test('a template spanning lines reports the line and byte column of the failing node', () => {
  const t = new GoTemplate('{{.kind}}\n  é {{.spec.names.x}}');
  assert.throws(() => t.execute(fx), { message: 'template: output:2:12: executing "output" at <.spec.names.x>: can\'t evaluate field x in type interface {}' });
  assert.throws(() => new GoTemplate('a\n{{.x'), /template: output:2: unclosed action/);
});
