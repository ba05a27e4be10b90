//! Grammar and lowering unit tests: one construct each, and expression precedence.

use super::ast::*;
use super::{parse, ParseLimits};
use crate::diagnostics::Diagnostics;
use crate::source::FileId;

fn parse_ok(text: &str) -> File {
    let mut sink = Diagnostics::new();
    let file = parse(FileId(0), text, ParseLimits::default(), &mut sink);
    let codes: Vec<String> = sink
        .iter()
        .map(|d| format!("{}: {}", d.code.id, d.message))
        .collect();
    match file {
        Some(file) if sink.is_empty() => file,
        _ => panic!("expected {text:?} to parse, got {codes:?}"),
    }
}

fn parse_err(text: &str) -> Vec<String> {
    let mut sink = Diagnostics::new();
    let _ = parse(FileId(0), text, ParseLimits::default(), &mut sink);
    sink.iter()
        .map(|d| format!("{} {}", d.code.id, d.message))
        .collect()
}

fn rule_when(text: &str) -> Expr {
    let file = parse_ok(&format!("rule r {{\n when {text}\n}}"));
    match file.items.into_iter().next() {
        Some(Item::Rule(rule)) if rule.when.is_some() => rule.when.unwrap(),
        other => panic!("no when in {other:?}"),
    }
}

/// A compact rendering of an expression's tree, with explicit parentheses.
fn shape(expr: &Expr) -> String {
    match expr {
        Expr::Literal(v) => match &v.kind {
            ValueKind::Str(s) => format!("{s:?}"),
            ValueKind::Ident(s) => s.clone(),
            ValueKind::Int(n) => n.to_string(),
            ValueKind::Bool(b) => b.to_string(),
            ValueKind::List(items) => format!("[{}]", items.len()),
        },
        Expr::None(_) => "none".into(),
        Expr::Path(segments, _) => segments
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join("."),
        Expr::Not(inner, _) => format!("(not {})", shape(inner)),
        Expr::Binary(op, l, r, _) => format!("({} {} {})", shape(l), op.symbol(), shape(r)),
    }
}

#[test]
fn precedence_not_then_comparisons_then_and_then_or() {
    assert_eq!(
        shape(&rule_when("a.x or b.y and c.z")),
        "(a.x or (b.y and c.z))"
    );
    assert_eq!(
        shape(&rule_when("a.x == 1 and b.y has z")),
        "((a.x == 1) and (b.y has z))"
    );
    assert_eq!(shape(&rule_when("not a.x and b.y")), "((not a.x) and b.y)");
    assert_eq!(shape(&rule_when("not a.x has b")), "((not a.x) has b)");
    assert_eq!(shape(&rule_when("not (a.x has b)")), "(not (a.x has b))");
    assert_eq!(
        shape(&rule_when("a.x or b.y or c.z")),
        "((a.x or b.y) or c.z)"
    );
    assert_eq!(
        shape(&rule_when("source.kind == actor")),
        "(source.kind == actor)"
    );
    assert_eq!(shape(&rule_when("e.k in [process, store]")), "(e.k in [2])");
    assert_eq!(
        shape(&rule_when("f.p contains \"http\" and f.c != none")),
        "((f.p contains \"http\") and (f.c != none))"
    );
    assert_eq!(
        shape(&rule_when("e.c >= confidential")),
        "(e.c >= confidential)"
    );
}

#[test]
fn expressions_may_span_lines_after_operators_and_in_parentheses() {
    assert_eq!(shape(&rule_when("a.x and\n   b.y")), "(a.x and b.y)");
    assert_eq!(shape(&rule_when("(\n a.x\n or b.y\n)")), "(a.x or b.y)");
}

#[test]
fn notes_are_not_not() {
    assert_eq!(
        shape(&rule_when("notes.x == nothing")),
        "(notes.x == nothing)"
    );
}

#[test]
fn elements_with_and_without_ids() {
    let file = parse_ok(
        "process api \"API\"\nprocess \"API Application\" { technology \"Go\" }\nactor admin",
    );
    let ids: Vec<(Option<&str>, Option<&str>)> = file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Element(e) => Some((
                e.id.as_ref().map(|i| i.text.as_str()),
                e.name.as_ref().map(|n| n.value.as_str()),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        ids,
        [
            (Some("api"), Some("API")),
            (None, Some("API Application")),
            (Some("admin"), None)
        ]
    );
}

#[test]
fn flows_all_forms() {
    let file =
        parse_ok("a -> b\n\"A\" <-> \"B\" \"label\" { protocol \"HTTPS\"; data [x,] }\na->b;b-> a");
    let flows: Vec<(String, String, bool, Option<String>)> = file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Flow(f) => Some((
                f.source.text().into(),
                f.target.text().into(),
                f.bidirectional,
                f.label.as_ref().map(|l| l.value.clone()),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(flows.len(), 4);
    assert_eq!(
        flows[1],
        ("A".into(), "B".into(), true, Some("label".into()))
    );
    assert_eq!(flows[2], ("a".into(), "b".into(), false, None));
}

#[test]
fn ids_may_contain_hyphens_but_not_eat_arrows() {
    let file = parse_ok("process my-svc \"S\"\nmy-svc->other");
    match file.items.get(1) {
        Some(Item::Flow(f)) => assert_eq!((f.source.text(), f.target.text()), ("my-svc", "other")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn strings_escapes_and_triple_quotes() {
    let file = parse_ok("model \"M\" {\n description \"\"\"\n    two\n      lines\n  \"\"\"\n owner \"a\\\"b\\u{e9}\"\n}");
    let Some(Item::Model(model)) = file.items.first() else {
        panic!()
    };
    let values: Vec<String> = model
        .properties
        .iter()
        .filter_map(|p| p.value.as_text().map(String::from))
        .collect();
    assert_eq!(values, ["two\n  lines", "a\"bé"]);
}

/// A malformed `\u{...}` escape is named as one, however many there are: an error after the
/// first is worded as the first (the positions of pest's attempts, in the text parsed again
/// after an error, are offset to the file's).
#[test]
fn malformed_unicode_escapes_are_named() {
    assert_eq!(
        parse_err("actor a \"\\u{}\"\nactor b \"\\u{zz}\"\nactor c \"\\u{1234567}\""),
        [
            "E0001 invalid escape `\\u{}` in a string",
            "E0001 invalid escape `\\u{zz}` in a string",
            "E0001 invalid escape `\\u{1234567}` in a string",
        ]
    );
    assert_eq!(
        parse_err("process r { owner = \"a\" }\nprocess s { owner = \"b\" }\n"),
        [
            "E0001 expected `->` or `<->`, a property (`key value`) or a value, found `=`",
            "E0001 expected `->` or `<->`, a property (`key value`) or a value, found `=`",
        ]
    );
}

/// In a block, an element or data declaration without a display name is a declaration, not a
/// property whose key is the keyword; other keys stay properties.
#[test]
fn declarations_without_names_in_blocks_are_declarations() {
    let file = parse_ok(
        "boundary b {\n  store db\n  process api; data d\n  technology \"k8s\"\n  data [x]\n}",
    );
    let Some(Item::Element(b)) = file.items.first() else {
        panic!("{file:?}")
    };
    let children: Vec<String> = b
        .children
        .iter()
        .map(|item| match item {
            Item::Element(e) => format!("{:?} {:?}", e.kind, e.id.as_ref().map(|i| &i.text)),
            Item::Data(d) => format!("data {:?}", d.id.as_ref().map(|i| &i.text)),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        children,
        [
            "Store Some(\"db\")",
            "Process Some(\"api\")",
            "data Some(\"d\")"
        ]
    );
    let keys: Vec<&str> = b.properties.iter().map(|p| p.key.text.as_str()).collect();
    assert_eq!(keys, ["technology", "data"]);
}

#[test]
fn lists_nest_and_take_trailing_commas() {
    let file = parse_ok("process p \"P\" {\n tags [a, \"b c\", 3, true, [x],\n ]\n}");
    let Some(Item::Element(e)) = file.items.first() else {
        panic!()
    };
    match &e.properties[0].value.kind {
        ValueKind::List(items) => assert_eq!(items.len(), 5),
        other => panic!("{other:?}"),
    }
}

#[test]
fn comments_anywhere() {
    parse_ok("// line\n/* block\n over lines */ process p \"P\" /* inline */ { // after brace\n tags [a] // end\n}\n");
}

#[test]
fn threats_decisions_rules() {
    let file = parse_ok(
        "threat t \"T\" {\n on a -> b\n category tampering\n}\nthreat \"U\" { on c }\nmitigate \"x@y\" { by \"z\" }\naccept \"x@*\" { reason \"r\"; until \"2027-01-01\" }\nrule a.b_c { on target process, store; when flow.crosses_boundary; title \"t\" }",
    );
    let kinds: Vec<&str> = file
        .items
        .iter()
        .map(|i| match i {
            Item::Threat(t) if matches!(t.on, Some(ThreatOn::Flow { .. })) => "threat-flow",
            Item::Threat(_) => "threat-element",
            Item::Decision(d) if d.kind == DecisionKind::Accept => "accept",
            Item::Decision(_) => "mitigate",
            Item::Rule(r) => {
                assert_eq!(r.id.text, "a.b_c");
                let on = r.on.as_ref().map(|o| (o.role.text.as_str(), o.kinds.len()));
                assert_eq!(on, Some(("target", 2)));
                "rule"
            }
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "threat-flow",
            "threat-element",
            "mitigate",
            "accept",
            "rule"
        ]
    );
}

#[test]
fn keywords_are_values_where_a_value_is_expected() {
    parse_ok("process p \"P\" { kind store; role process }");
}

#[test]
fn syntax_errors_in_words() {
    let message = &parse_err("process p \"P\" {\n tags [a b]\n}")[0];
    assert!(
        message.contains("found `b`") && message.contains("`]`"),
        "{message}"
    );
    let message = &parse_err("a -> ")[0];
    assert!(
        message.contains("expected an id or a quoted name"),
        "{message}"
    );
    let message = &parse_err("flurb")[0];
    assert!(message.starts_with("E0001"), "{message}");
    assert!(!message.contains("Rule::"), "{message}");
    let message = &parse_err("process p \"P\"\n{ }")[0];
    assert!(message.contains("E0001"), "{message}");
}

#[test]
fn control_characters_in_a_string_are_reported_where_they_are() {
    assert_eq!(
        parse_err("actor a \"A\u{1}B\""),
        ["E0001 control character U+0001 in a string"]
    );
    assert_eq!(
        parse_err("actor a \"A\u{1b}[31mB\""),
        ["E0001 control character U+001B in a string"]
    );
    // A carriage return without a line feed after it is not a line break (nor string text).
    assert_eq!(
        parse_err("actor a \"A\rB"),
        ["E0001 a carriage return that is not part of a line break"]
    );
    assert_eq!(parse_err("actor a \"A\r\nB"), ["E0002 unterminated string"]);
    // Tabs, DEL, escapes of control characters, and any other text are fine.
    let file = parse_ok("actor a \"tab\there\u{7f} \\u{1} \\\" \\\\ é 😀\"");
    assert_eq!(file.items.len(), 1);
}

/// A `{` on the line after its declaration (Allman style) gets the help that says where it goes.
#[test]
fn a_brace_on_the_next_line_says_where_it_goes() {
    let mut sink = Diagnostics::new();
    let text = "process api \"API\"\n{\n  technology \"Go\"\n}\n";
    assert!(parse(FileId(0), text, ParseLimits::default(), &mut sink).is_none());
    let helps: Vec<String> = sink.iter().filter_map(|d| d.help.clone()).collect();
    assert!(
        helps
            .iter()
            .any(|h| h.contains("must be on the same line as its declaration")),
        "{helps:?}"
    );
}

/// Characters pasted text brings along, which look like a space, like nothing or like a quote,
/// are named: "found ` `" would show a plain space.
#[test]
fn lookalike_characters_are_named() {
    assert_eq!(
        parse_err("actor a \"A\"\nprocess b \"B\"\na\u{a0}-> b"),
        ["E0001 expected `->` or `<->` or an identifier, found U+00A0 (no-break space)"]
    );
    let zero_width = parse_err("actor api\u{200b}gw \"API\"");
    assert!(
        zero_width[0].ends_with("found U+200B (zero-width space)"),
        "{zero_width:?}"
    );
    let curly = parse_err("actor a \u{201c}A\u{201d}");
    assert!(
        curly[0].ends_with("found U+201C (left double quotation mark)"),
        "{curly:?}"
    );
}

#[test]
fn unterminated_things_are_reported_at_their_start() {
    assert_eq!(
        parse_err("actor a \"oops\nactor b \"B\""),
        ["E0002 unterminated string"]
    );
    assert_eq!(parse_err("/* open"), ["E0002 unterminated block comment"]);
    assert_eq!(
        parse_err("model \"M\" { description \"\"\"never"),
        ["E0002 unterminated triple-quoted string"]
    );
}

/// A file parsed in pieces on two threads is the file parsed whole: the same items with the
/// same spans, and the same diagnostics, whether it parses, fails to lower or has a syntax
/// error in any piece; cut in two, or at every line where a statement can start.
#[test]
fn a_file_parsed_in_pieces_is_the_file_parsed_whole() {
    let outcome = |text: &str, chunk_len: Option<usize>| {
        let mut sink = Diagnostics::new();
        let file = super::parse_with(
            FileId(3),
            text,
            ParseLimits::default(),
            &mut sink,
            chunk_len,
        );
        let diagnostics: Vec<String> = sink.iter().map(|d| format!("{d:?}")).collect();
        (file, diagnostics)
    };
    let mut large = String::from("model \"M\" { description \"\"\"two\n  lines\"\"\" }\n");
    for zone in 0..6 {
        large.push_str(&format!(
            "boundary z{zone} {{\n  process p{zone} \"P\" {{ tags [a,\n b] }}\n}}\n"
        ));
        large.push_str(&format!(
            "/* a comment\n over lines */ p{zone} -> p{} \"call\"\n",
            (zone + 1) % 6
        ));
        large.push_str("rule r.x {\n  category spoofing\n  on element process\n  when element.internet_facing\n    and true\n  title \"T\"\n}\n");
        large.push_str("// a line comment\n\n");
    }
    let texts = [
        include_str!("../../tests/fixtures/syntax/ok-everything.tm").to_string(),
        include_str!("../../examples/ai-nutrition-pro.tm").to_string(),
        include_str!("../../stdlib/stride.tm").to_string(),
        large.clone(),
        // A lowering error (a bad escape) in the last piece, and a syntax error there.
        format!("{large}actor bad \"\\q\"\n"),
        format!("{large}actor bad \"\\u{{zz}}\"\nactor worse \"\\u{{}}\"\n"),
        format!("{large}actor a -> \n"),
        // And in the first.
        format!("actor a -> \n{large}"),
    ];
    for text in &texts {
        let whole = outcome(text, None);
        for chunk_len in [text.len() / 2, 100, 1] {
            assert_eq!(outcome(text, Some(chunk_len)), whole, "{chunk_len}: {text}");
        }
    }
    // The cuts are where a statement can start, outside blocks and comments, at least
    // `chunk_len` apart.
    let mut sink = Diagnostics::new();
    let scanned = super::precheck::scan(
        FileId(0),
        &large,
        ParseLimits::default(),
        Some(100),
        &mut sink,
    );
    let cuts = scanned.map(|s| s.cuts).unwrap_or_default();
    assert!(cuts.len() > 6, "{cuts:?}");
    let mut previous = 0;
    for &cut in &cuts {
        assert!(
            cut >= previous + 100 && large[..cut].ends_with('\n'),
            "{cut}"
        );
        let next = &large[cut..];
        assert!(
            !next.starts_with(' ') && !next.starts_with("  lines"),
            "{cut}: {next}"
        );
        previous = cut;
    }
    let whole = outcome(&large, None).0.map(|f| f.items.len());
    assert_eq!(whole, Some(19));
    // From 256 KiB, pieces of about 128 KiB, at least two.
    assert_eq!(super::chunk_len(256 * 1024 - 1), None);
    assert_eq!(super::chunk_len(256 * 1024), Some(128 * 1024));
    assert_eq!(super::chunk_len(300 * 1024), Some(150 * 1024));
    assert_eq!(super::chunk_len(2_097_692), Some(131_105));
}

/// The operands of `and`/`or` chains, left to right, and how deep the tree under `expr` is.
fn leaves_and_depth(expr: &Expr, leaves: &mut Vec<String>) -> usize {
    match expr {
        Expr::Binary(BinaryOp::And | BinaryOp::Or, l, r, _) => {
            1 + leaves_and_depth(l, leaves).max(leaves_and_depth(r, leaves))
        }
        other => {
            leaves.push(shape(other));
            1
        }
    }
}

#[test]
fn long_and_or_chains_nest_logarithmically_in_source_order() {
    let names: Vec<String> = (0..1000).map(|i| format!("e.x{i}")).collect();
    for op in [" and ", " or "] {
        let expr = rule_when(&names.join(op));
        let mut leaves = Vec::new();
        let depth = leaves_and_depth(&expr, &mut leaves);
        assert_eq!(leaves, names, "{op}");
        assert!(depth <= 11, "{op}: {depth} levels for 1,000 operands");
    }
    // `or` of `and`s keeps precedence: each `and` chain is one operand of the `or`s.
    assert_eq!(
        shape(&rule_when("a.x and b.y or c.z and d.w or e.v")),
        "(((a.x and b.y) or (c.z and d.w)) or e.v)"
    );
}

#[test]
fn a_chain_of_comparisons_past_the_depth_limit_is_e0003() {
    let chain = |n: usize| vec!["e.x"; n + 1].join(" == ");
    let _ = rule_when(&chain(64));
    let errors = parse_err(&format!("rule r {{\n when {}\n}}", chain(65)));
    assert_eq!(errors, ["E0003 more than 64 comparisons in a row"]);
}

/// A long chain whose last operand fails: what was built of the chain is taken apart in a
/// loop. Dropped by recursion, 50,000 operands overflowed a test thread's 2 MiB stack.
#[test]
fn a_long_chain_with_a_failing_operand_is_an_error_not_an_overflow() {
    let chain = vec!["true"; 50_000].join(" and ");
    let errors = parse_err(&format!(
        "rule r {{\n when {chain} and ({}true)\n}}",
        "not ".repeat(65)
    ));
    assert_eq!(errors, ["E0003 more than 64 `not` in a row"]);
}

#[test]
fn bidirectional_controls_are_warned_about_up_to_a_limit() {
    let text = format!(
        "actor a \"x{}\"\n// {}\n",
        "\u{202E}".repeat(3),
        "\u{2069}".repeat(7)
    );
    let mut sink = Diagnostics::new();
    let file = parse(FileId(0), &text, ParseLimits::default(), &mut sink);
    assert!(file.is_some(), "a warning does not stop the parse");
    let warnings: Vec<_> = sink.iter().collect();
    assert_eq!(warnings.len(), 8);
    assert!(warnings.iter().all(|d| d.code.id == "W0012"));
    assert_eq!(warnings[0].primary.span.start(), 10);
    assert!(warnings[0]
        .message
        .contains("U+202E (RIGHT-TO-LEFT OVERRIDE)"));
    assert!(warnings[7]
        .message
        .contains("U+2069 (POP DIRECTIONAL ISOLATE)"));
    let last_help = warnings[7].help.as_deref().unwrap_or_default();
    assert!(
        last_help.ends_with("; 2 more in this file are not listed"),
        "{last_help}"
    );
    assert!(!warnings[6]
        .help
        .as_deref()
        .unwrap_or_default()
        .contains("more"));
    // Neighbours of the controls are not controls.
    assert!(parse_err("actor a \"\u{2065}\u{2070}\u{2028}\u{200F}\"").is_empty());
}

/// The help of the first syntax error in `text`.
fn first_help(text: &str) -> String {
    let mut sink = Diagnostics::new();
    let _ = parse(FileId(0), text, ParseLimits::default(), &mut sink);
    let help = sink.iter().next().and_then(|d| d.help.clone());
    help.unwrap_or_default()
}

/// Mistakes a newcomer makes get a help that shows what to write instead.
#[test]
fn common_mistakes_are_told_what_to_write() {
    let cases = [
        (
            "accept spoofing.external_impersonation@psp { reason \"x\" }",
            "the threat id is a string: `accept \"spoofing.external_impersonation@psp\" { ... }`",
        ),
        (
            "mitigate spoofing.x@psp { by \"x\" }",
            "`mitigate \"spoofing.x@psp\" { ... }`",
        ),
        (
            "threat spoofing.x@psp { on psp }",
            "`accept \"spoofing.x@psp\" { ... }`",
        ),
        ("procss a \"A\"", "did you mean `process`?"),
        ("boundary b {\n  stor db \"DB\"\n}", "did you mean `store`?"),
        ("a => b", "a flow is written `a -> b`"),
        ("x - > y", "a flow is written `x -> y`"),
        ("a <- b", "a flow is written `a -> b`"),
        ("a → b", "a flow is written `a -> b`"),
        (
            "process \"Web Shop\" webshop",
            "the id comes first, then the display name: `process webshop \"Web Shop\"`",
        ),
        (
            "process webshop Web Shop Frontend",
            "a display name with spaces is quoted: `process webshop \"Web Shop Frontend\"`",
        ),
        (
            "webshop -> Payment API \"Pay\"",
            "an endpoint with spaces is quoted: `webshop -> \"Payment API\"`",
        ),
        (
            "process p { technology Next.js }",
            "quote a value with punctuation: `technology \"Next.js\"`",
        ),
        (
            "process p { technology \"Next.js\" controls [waf] }",
            "separate properties with `;` or a line break",
        ),
        (
            "boundary b { mitigate \"*@api\" { by \"x\" } }",
            "`mitigate` is declared at the top level of a file, not inside a block",
        ),
        (
            "boundary b { rule x.y { category spoofing; on element; title \"t\" } }",
            "a `rule` is declared at the top level",
        ),
        (
            "process api { technology \"x\"; accept \"*@api\" \"x\" }",
            "`accept` is declared at the top level of a file, not inside a block",
        ),
    ];
    for (text, help) in cases {
        let got = first_help(text);
        assert!(got.contains(help), "{text:?}: {got:?}");
    }
    // No keyword is suggested for a word far from all (or for `user`, an actor's usual id).
    for text in ["user api", "webshop api", "accept \"x\" \"y\""] {
        let got = first_help(text);
        assert!(
            !got.contains("did you mean") && !got.contains("not inside a block"),
            "{text:?}: {got:?}"
        );
    }
}
