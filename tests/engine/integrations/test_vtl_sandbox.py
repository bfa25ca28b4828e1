"""The VTL sandbox (issue 16, §6.4, §5.1): server-side template injection renders as an error or as
inert text, never as a Python object, and every template finishes within its bounds.

``CORPUS`` is shared with ``tests/api/test_vtl_injection.py``, which sends the same payloads through
``POST /api/v1/simulations``.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import airspeed
import pytest
from django.conf import settings

from gateway_lab.engine.integrations import IntegrationConfigError, mapping, vtl_sandbox

# A payload whose text reaches Python would print one of these (or the secret key).
FORBIDDEN = (
    "<class",
    "<module",
    "<built-in",
    "<function",
    "<bound",
    "<method",
    "object at 0x",
    "uid=",
    "gid=",
    "Traceback",
    "__builtins__':",
    "gateway_lab.",
    "mappingproxy",
)
# Wall-clock bound for any one payload: the render bound and the parse bound, with room for a busy machine.
TIME_BOUND_S = 2 * (vtl_sandbox.MAX_SECONDS + vtl_sandbox.MAX_PARSE_SECONDS) + 1

_IMPORT = "$util.escapeJavaScript.__globals__.__builtins__.__import__"
# (id, template). "reach" payloads try to walk from a value to Python; the rest try to exhaust the server.
REACH = [
    ("rce-popen", f"{_IMPORT}('os').popen('id').read()"),
    ("rce-system", f"{_IMPORT}('os').system('id')"),
    ("secret-key", f"{_IMPORT}('django.conf').conf.settings.SECRET_KEY"),
    ("globals-item", "$util.escapeJavaScript.__globals__['__builtins__']['eval']('1+1')"),
    ("context-class", "$context.__class__"),
    ("input-mro", "$input.__class__.__mro__"),
    ("input-subclasses", "$input.__class__.__mro__[1].__subclasses__()"),
    ("context-base-subclasses", "$context.__class__.__base__.__subclasses__()"),
    ("stagevars-mro", "$stageVariables.__class__.__mro__"),
    ("util-init-globals", "$util.__class__.__init__.__globals__"),
    ("util-init-subclass", "$util.__init_subclass__"),
    ("method-func-globals", "$util.parseJson.__func__.__globals__"),
    ("method-self", "$util.escapeJavaScript.__self__"),
    ("func-globals-py2", "$util.escapeJavaScript.func_globals"),
    ("code-consts", "$util.escapeJavaScript.__code__.co_consts"),
    ("input-dict", "$input.__dict__"),
    ("private-attribute", "$input._params"),
    ("private-method", "$input._document()"),
    ("json-globals", "$input.json.__globals__['json']"),
    ("module-name", "$input.path('$').__class__.__module__"),
    ("bound-builtin-self", "$context.get.__self__.__class__"),
    ("python-dict-method", "$context.items()"),
    ("python-keys-class", "$context.keys().__class__"),
    ("string-mro", "#set($s = '')$s.__class__.__mro__[1].__subclasses__()"),
    ("number-class", "#set($n = 1)$n.__class__"),
    ("list-base", "#set($l = [])$l.__class__.__base__"),
    ("dict-fromkeys", "#set($m = {})$m.__class__.fromkeys([1])"),
    ("range-class", "#set($r = [1..3])$r.__class__"),
    ("getattribute", "$util.__getattribute__('escapeJavaScript')"),
    ("getattribute-private", "$input.__getattribute__('_params')"),
    ("getattr-by-index", "#set($g = '__class__')$input[$g]"),
    ("getitem-dunder", "$context.__getitem__('stage').__class__"),
    ("reduce-ex", "$input.__reduce_ex__(2)"),
    ("java-class", "$input.class"),
    ("java-getclass", "$input.getClass()"),
    ("java-forname", "$input.getClass().forName('java.lang.Runtime').getRuntime().exec('id')"),
    ("java-classloader", "$context.class.classLoader"),
    ("java-string-getclass", "$input.body.getClass().getName()"),
    ("format-mro", "#set($f = '{0.__class__.__mro__}')$f.format($input)"),
    ("format-globals", "#set($f = '{0.__init__.__globals__}')$f.format($util)"),
    ("format-map", "#set($f = '{stage.__class__}')$f.format_map($context)"),
    ("percent-format", "#set($x = '%s' % $util)$x"),
    ("percent-repr", "#set($x = '%r' % [$input])$x"),
    ("percent-map", "#set($f = '%(stage)s')#set($x = $f % $context)$x"),
    ("print-wrappers", "$util $input"),
    ("interpolate-wrapper", '#set($s = "[$util][$input]")$s'),
    ("list-of-wrappers", "#set($l = [$util, $input])$l $l.toString()"),
    ("map-of-wrappers", "#set($m = {'u': $util})$m #return($m)"),
    ("return-wrapper", "#return($input)"),
    ("method-reference", "$util.escapeJavaScript $input.json $context.get"),
    ("method-as-value", "#set($f = $util.escapeJavaScript)$f('x')"),
    ("nested-set", "#set($a = $input)#set($b = $a.__class__)#set($c = $b.__mro__)$c"),
    ("foreach-mro", "#foreach($x in $input.__class__.__mro__)$x#end"),
    ("foreach-wrapper", "#foreach($x in $util)$x#end"),
    ("macro-leak", "#macro(leak $o)$o.__class__ $o.__dict__#end#leak($input)"),
    ("evaluate-dunder", "#evaluate('$util.escapeJavaScript.__globals__')"),
    ("evaluate-set", '#evaluate("#set($x = 1)$x.__class__")'),
    ("include-file", "#include('/etc/passwd')"),
    ("parse-file", "#parse('/etc/passwd')"),
    ("assign-into-wrapper", "#set($input.body = 'x')"),
    ("assign-dunder", "#set($m = {})#set($m.__class__ = 1)$m.__class__"),
    ("parsejson-class", "$util.parseJson('{}').__class__"),
    ("jsonpath-dunder", "$input.path('$.__class__')"),
]
EXHAUST = [
    ("foreach-huge-range", "#foreach($i in [1..100000000])#end done"),
    (
        "foreach-nested-cube",
        "#foreach($i in [1..1000])#foreach($j in [1..1000])#foreach($k in [1..1000])x#end#end#end",
    ),
    ("print-huge-range", "#set($r = [1..100000000])$r"),
    ("addall-huge-range", "#set($l = [])$l.addAll([1..100000000])"),
    ("string-times", "#set($x = 'a' * 100000000)$x"),
    ("string-doubling", "#set($s = 'a')#foreach($i in [1..64])#set($s = \"$s$s\")#end$s.length()"),
    ("string-concat-doubling", "#set($s = 'ab')#foreach($i in [1..64])#set($s = $s + $s)#end$s.length()"),
    ("body-doubling", '#set($x = $input.body)#foreach($i in [1..1000])#set($x = "$x$x")#end'),
    ("list-doubling", "#set($l = ['x'])#foreach($i in [1..64])$l.addAll($l)#end$l.size()"),
    ("list-self-add", "#set($l = [])#foreach($i in [1..1000])$l.add($l)#end$l"),
    ("map-self", "#set($m = $input.path('$'))#set($m.self = $m)$m"),
    ("replace-empty", "#set($s = 'x')#foreach($i in [1..30])#set($s = $s.replace('', $s))#end"),
    ("replaceall-empty", "#set($s = 'x')#foreach($i in [1..30])#set($s = $s.replaceAll('', $s))#end"),
    (
        "regex-catastrophic",
        "#set($s = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')$s.matches('(a|aa)+b')",
    ),
    (
        "dag-equality",
        "#set($a = [1])#set($b = [1])#foreach($i in [1..40])#set($a = [$a, $a])#set($b = [$b, $b])#end#if($a == $b)same#end",
    ),
    (
        "dag-contains",
        "#set($a = [1])#set($b = [1])#foreach($i in [1..40])#set($a = [$a, $a])#set($b = [$b, $b])#end$a.contains($b)",
    ),
    (
        "dag-ordering",
        "#set($a = [1])#set($b = [1])#foreach($i in [1..40])#set($a = [$a, $a])#set($b = [$b, $b])#end#if($a < $b)less#end",
    ),
    ("dag-print", "#set($a = ['x'])#foreach($i in [1..40])#set($a = [$a, $a])#end$a"),
    ("regex-counted-repeat", "#set($s = 'a')$s.matches('(a{1000}){1000}')"),
    (
        "regex-nested-counted",
        "#set($s = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')$s.matches('(((a{1,100}){1,100}){1,100})')",
    ),
    ("number-overflow", "#set($x = 3)#foreach($i in [1..200])#set($x = $x * $x)#end$x"),
    (
        "long-output",
        "#foreach($i in [1..1000])#foreach($j in [1..1000])xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx#end#end",
    ),
    ("macro-recursion", "#macro(r $n)#r($n)#end#r(1)"),
    ("macro-fanout", "#macro(f $n)#f($n)#f($n)#end#f(1)"),
    ("define-recursion", "#define($d)$d$d#end$d"),
    (
        "macro-binary-tree",
        "#macro(m $d)#if($d > 0)#foreach($k in [1..2])#set($e = $d - 1)#m($e)#end#end#end#m(19)",
    ),
    ("foreach-nested-2-pow-50", "#foreach($i in [1..2])" * 50 + "x" + "#end" * 50),
    ("foreach-nested-deep", "#foreach($i in [1..2])" * 400 + "x" + "#end" * 400),
    ("interpolation-fanout", "#set($a = 'x')" + ('#set($a = "' + "$a" * 5000 + '")') * 3 + "$a.length()"),
    ("evaluate-recursion", "#set($t = '#evaluate($t)')#evaluate($t)"),
    ("deep-parentheses", "#set($x = " + "(" * 3000 + "1" + ")" * 3000 + ")$x"),
    ("deep-if", "#if(true)" * 3000 + "#end" * 3000),
    ("deep-json", "$util.parseJson('" + "[" * 100000 + "]" * 100000 + "')"),
    ("long-jsonpath", "$input.json('$" + ".a" * 100000 + "')"),
    ("huge-template", "$a " * 110_000),
    ("large-template-parse", "$a.b($c) " * 34_000),
    ("huge-int-literal", "#set($x = " + "9" * 5000 + ")$x"),
]
CORPUS = REACH + EXHAUST


def render(template: str, body: str = '{"a": 1, "items": [1, 2, 3]}') -> tuple[str | None, str | None]:
    """Return (output, error message) of rendering ``template`` the way integrations do."""
    try:
        out = mapping.render(
            template,
            body=body,
            params={"path": {"id": "7"}, "querystring": {"q": "x"}, "header": {"Host": "h"}},
            context={"stage": "prod", "requestId": "r-1", "identity": {"sourceIp": "203.0.113.10"}},
            stage_variables={"env": "dev"},
        )
    except IntegrationConfigError as exc:
        return None, str(exc)
    return out, None


def assert_inert(text: str) -> None:
    """Nothing that came back shows a Python object, a command's output or the secret key."""
    leaked = [marker for marker in FORBIDDEN if marker in text]
    assert not leaked, f"leaked {leaked}: {text[:300]!r}"
    assert settings.SECRET_KEY not in text


@pytest.mark.parametrize(("name", "template"), CORPUS, ids=[name for name, _ in CORPUS])
def test_vtl_sandbox_corpus_renders_as_error_or_inert_text_within_bounds(name: str, template: str) -> None:
    """Issue 16: each injection payload is an error or inert text, and finishes within the bound."""
    started = time.monotonic()
    out, error = render(template)
    elapsed = time.monotonic() - started
    assert_inert(out if error is None else error)
    assert elapsed < TIME_BOUND_S, f"{name} took {elapsed:.2f} s"
    if error is not None:
        assert error.startswith("Mapping template error: ")
    else:
        assert len(out) <= vtl_sandbox.MAX_OUTPUT_CHARS


def test_vtl_sandbox_corpus_has_at_least_50_payloads() -> None:
    """Issue 16: the corpus holds at least 50 server-side template-injection payloads."""
    assert len(CORPUS) >= 50 and len({name for name, _ in CORPUS}) == len(CORPUS)


def test_vtl_sandbox_corpus_reaches_python_under_plain_airspeed() -> None:
    """Issue 16: the reach payloads are real: plain airspeed (no sandbox) shows Python objects for them."""
    namespace = {
        "input": mapping.VtlInput('{"a": 1}', {"path": {}, "querystring": {}, "header": {}}),
        "util": mapping.VtlUtil(),
        "context": mapping.VtlMap(stage="prod"),
        "stageVariables": {"env": "dev"},
    }
    harmless = [t for name, t in REACH if name not in ("rce-system",) and "#include" not in t]
    leaking = 0
    for template in harmless:
        try:
            text = airspeed.Template(template).merge(dict(namespace))
        except Exception as exc:  # noqa: BLE001 — some payloads only work in the sandboxless engine partly
            text = str(exc)
        leaking += any(marker in text for marker in FORBIDDEN) or settings.SECRET_KEY in text
    assert leaking >= 25


@pytest.mark.parametrize(
    "template",
    [
        "$context.__class__",
        "$input.__class__.__mro__",
        f"{_IMPORT}('os').popen('id').read()",
        "$input.getClass()",
        "$input.class",
        "$util.escapeJavaScript",
        "$input._params",
        "#set($s = '{0.__class__}')$s.format($input)",
        "$util$input",
    ],
)
def test_vtl_sandbox_unknown_members_and_wrappers_print_nothing(template: str) -> None:
    """Issue 16: a name outside the allow-list is null, and a wrapper prints as nothing (silent reference)."""
    assert render(template) == ("", None)


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("#set($x = 'a' * 3)", "arithmetic needs two numbers"),
        ("#set($x = '%s' % 'a')", "arithmetic needs two numbers"),
        ("#macro(r $n)#r($n)#end#r(1)", f"nest deeper than {vtl_sandbox.MAX_DEPTH} calls"),
        ("#set($s = 'a')#foreach($i in [1..40])#set($s = \"$s$s\")#end", "characters"),
        (
            "#foreach($i in [1..1000])#foreach($j in [1..1000])#foreach($k in [1..9])#end#end#end",
            "the template",
        ),
        ("#include('/etc/passwd')", "#include and #parse are not available"),
        ("$a " * 110_000, "characters"),
    ],
)
def test_vtl_sandbox_broken_bounds_are_clear_mapping_template_errors(template: str, message: str) -> None:
    """Issue 16/§5.2: a broken bound is an integration configuration error that says what happened."""
    out, error = render(template)
    assert out is None and error.startswith("Mapping template error: ") and message in error


def test_vtl_sandbox_foreach_stops_at_1000_iterations() -> None:
    """§5.1: a #foreach over 1001+ items runs MAX_FOREACH (1,000) times, then the template goes on."""
    out, error = render("#set($n = 0)#foreach($i in [1..1001])#set($n = $n + 1)#end$n|$i")
    assert error is None and out == "1000|"
    items = ",".join(str(i) for i in range(2500))
    assert render(f"#foreach($x in [{items}])$x;#end") == ("".join(f"{i};" for i in range(1000)), None)


def test_vtl_sandbox_foreach_over_a_huge_range_finishes_fast() -> None:
    """Issue 16: ``[1..100000000]`` is lazy; the loop stops at 1,000 iterations in well under a second."""
    started = time.monotonic()
    out, error = render("#foreach($i in [1..100000000])$i,#end|$velocityCount")
    assert time.monotonic() - started < 0.5
    assert error is None and out == "".join(f"{i}," for i in range(1, 1001)) + "|"
    assert render("#set($r = [1..100000000])$r.size() $r.get(99999999)") == ("100000000 100000000", None)


def test_vtl_sandbox_macro_fan_out_is_bounded_in_time() -> None:
    """Issue 16: a macro calling itself twice, 19 deep (2^19 calls, within ``MAX_DEPTH``), stops at the time bound."""
    template = "#macro(m $d)#if($d > 0)#foreach($k in [1..2])#set($e = $d - 1)#m($e)#end#{else}.#end#end"
    assert render(template + "#m(3)") == ("." * 8, None)
    started = time.monotonic()
    _out, error = render(template + "#m(19)")
    assert "Mapping template error: the template ran longer than" in error
    assert time.monotonic() - started < TIME_BOUND_S


def test_vtl_sandbox_nested_loops_are_bounded_in_time() -> None:
    """Issue 16: 1,000 × 1,000 × 1,000 iterations stop at the step or time bound, not after hours."""
    started = time.monotonic()
    _out, error = render(
        "#foreach($i in [1..1000])#foreach($j in [1..1000])#foreach($k in [1..1000])#end#end#end"
    )
    assert "Mapping template error: the template" in error
    assert time.monotonic() - started < TIME_BOUND_S


def test_vtl_sandbox_renders_concurrently_in_threads() -> None:
    """Issue 16: the live gateway renders from several threads; one template's bound never leaks into another."""
    slow = "#foreach($i in [1..1000])#foreach($j in [1..1000])#foreach($k in [1..9])#end#end#end"
    good = "#foreach($i in [1..50])$input.params('id')#end $context.stage"
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(render, [slow, good, slow, good, good, good, slow, good]))
    for template, (out, error) in zip([slow, good, slow, good, good, good, slow, good], results, strict=True):
        if template is good:
            assert (out, error) == ("7" * 50 + " prod", None)
        else:
            assert out is None and "the template" in error


# Legitimate templates keep working (§6.4) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "body", "expected"),
    [
        # §6.4: the SQS example, and the documented $input/$util/$stageVariables/$context forms.
        ("Action=SendMessage&MessageBody=$input.body", "hello", "Action=SendMessage&MessageBody=hello"),
        ("$input.json('$.pets[0]')", '{"pets": [{"id": 1}]}', '{"id": 1}'),
        (
            "$input.path('$.a') $input.path('$.l')",
            '{"a": {"foo": "bar"}, "l": [{"foo": "bar"}]}',
            '{foo=bar} [{"foo":"bar"}]',
        ),
        ("$input.params('id') $input.params('q') $input.params('host')", "", "7 x h"),
        ("$input.params().path.id $input.params().get('querystring').q", "", "7 x"),
        ("$stageVariables.env $stageVariables['env'] [$stageVariables.missing]", "", "dev dev []"),
        ("$context.stage $context.requestId $context.identity.sourceIp", "", "prod r-1 203.0.113.10"),
        ("$util.escapeJavaScript($input.body)", 'say "it\'s"', 'say \\"it\\\'s\\"'),
        (
            "$util.urlEncode('a b/c') $util.urlDecode('a%20b') $util.base64Encode('hi') $util.base64Decode('aGk=')",
            "",
            "a%20b%2Fc a b aGk= hi",
        ),
        # Velocity forms AWS templates use: loops, conditions, maps, lists, macros.
        ("${context.stage}|${missing|'fallback'}|$!missing", "", "prod|fallback|"),
        (
            "#set($items = $input.path('$.items'))[#foreach($i in $items){\"n\": $i}#if($foreach.hasNext),#end#end]",
            '{"items": [1, 2, 3]}',
            '[{"n": 1},{"n": 2},{"n": 3}]',
        ),
        ("#if($input.params('id') == '7')seven#{else}other#end", "", "seven"),
        ("#set($l = [1, 2])$l.add(3)$l $l.size() $l.get(0) $l.contains(2)", "", "[1, 2, 3] 3 1 true"),
        ("#set($n = 7)#set($m = $n * 6 - 2 / 2 + 10 % 4)$m", "", "43"),
        ("#macro(greet $who)Hi $who!#end#greet('Ann') #greet($context.stage)", "", "Hi Ann! Hi prod!"),
        ("#define($block)[$context.stage]#end$block$block", "", "[prod][prod]"),
        ("#set($t = '$context.stage')#evaluate($t)", "", "prod"),
        ("#set($m = {'a': 1})$m #set($l = ['a'])$l", "", "{'a': 1} ['a']"),
    ],
)
def test_vtl_sandbox_aws_templates_render_as_before(template: str, body: str, expected: str) -> None:
    """§6.4: the documented variables and ordinary Velocity still render as they did under airspeed."""
    assert render(template, body) == (expected, None)


@pytest.mark.parametrize(
    ("template", "body", "expected"),
    [
        ("$util.parseJson('{\"k\": [1, 2]}').k.size()", "", "2"),
        (
            "#foreach($k in $input.path('$').keySet())$k=$input.path('$').get($k);#end",
            '{"a": 1, "b": "x"}',
            "a=1;b=x;",
        ),
        (
            "#set($m = {})#set($dummy = $m.put('a', 1))$m.a $m.size() $m.containsKey('a') $m.isEmpty()",
            "",
            "1 1 true false",
        ),
        (
            "#set($s = 'Hello World')$s.length() $s.toLowerCase() $s.substring(0, 5) $s.replaceAll('o', '0') $s.matches('H.*d')",
            "",
            "11 hello world Hello Hell0 W0rld true",
        ),
        (
            "#set($s = ' a,b ')$s.trim().split(',') $s.indexOf('z') $s.contains('b') $s.startsWith(' ')",
            "",
            "['a', 'b'] -1 true true",
        ),
        (
            "${context.stage}|${missing|'fallback'}|$!missing|#set($r = [1..3])$r",
            "",
            "prod|fallback||[1, 2, 3]",
        ),
    ],
)
def test_vtl_sandbox_java_methods_of_maps_lists_and_strings_work(
    template: str, body: str, expected: str
) -> None:
    """§6.4: Java's Map/List/String methods on the allow-list work on every map and list (airspeed gave
    ``keySet``/``size`` to plain dicts only, printed ranges as ``range(1, 4)``, and had no toLowerCase/trim)."""
    assert render(template, body) == (expected, None)


def test_vtl_sandbox_large_body_passes_through() -> None:
    """§5.1: a 1 MiB body (the simulate API's limit) maps through ``$input.body`` and ``$input.json``."""
    body = '{"data": "' + "x" * (1024 * 1024) + '"}'
    out, error = render("$input.body|$input.json('$.data')", body)
    assert error is None and out == body + "|" + '"' + "x" * (1024 * 1024) + '"'


def test_vtl_sandbox_wrappers_expose_no_private_names() -> None:
    """Issue 16: a wrapper that tried to expose a name starting with ``_`` is refused at class creation."""
    with pytest.raises(TypeError):
        type("Leaky", (vtl_sandbox.VtlObject,), {"VTL_METHODS": frozenset({"__class__"})})
