//! The layout rules, one at a time, and the guarantees on tricky input. Every case is also
//! checked for idempotence: formatting the output again changes nothing.

use super::*;

fn fmt(text: &str) -> String {
    let once = match format(text) {
        Ok(out) => out,
        Err(error) => panic!("{text:?} did not format: {error:?}"),
    };
    match format(&once) {
        Ok(twice) => assert_eq!(twice, once, "not idempotent on {text:?}"),
        Err(error) => panic!("the output of {text:?} did not format: {error:?}\n{once}"),
    }
    once
}

fn rule(body: &str) -> String {
    format!("rule r {{\n  category spoofing\n  on element\n  title \"t\"\n{body}}}\n")
}

#[test]
fn indents_two_spaces_per_block_and_normalises_spacing() {
    assert_eq!(
        fmt("boundary   b \"B\"{\nprocess p\t\"P\"{\n\t\ttechnology    \"Go\"\ntags [ a ,b ]}\n}"),
        "boundary b \"B\" {\n  process p \"P\" {\n    technology \"Go\"\n    tags [a, b]\n  }\n}\n"
    );
    assert_eq!(fmt("a->b \"x\"\nc<->\"D\""), "a -> b \"x\"\nc <-> \"D\"\n");
}

#[test]
fn semicolons_become_line_breaks() {
    assert_eq!(
        fmt("process a \"A\"; process b \"B\";;\n"),
        "process a \"A\"\nprocess b \"B\"\n"
    );
    assert_eq!(
        fmt("data d \"D\" { classification internal; tags [pii] }"),
        "data d \"D\" {\n  classification internal\n  tags [pii]\n}\n"
    );
}

#[test]
fn one_line_blocks_with_one_statement_stay_on_one_line() {
    assert_eq!(
        fmt("process p \"P\" {   technology \"Go\" ; }"),
        "process p \"P\" { technology \"Go\" }\n"
    );
    assert_eq!(
        fmt("boundary b \"B\" { process p \"P\" { technology \"Go\" } }"),
        "boundary b \"B\" { process p \"P\" { technology \"Go\" } }\n"
    );
    // The inner block expands, so the outer one must too (or a second run would change it).
    assert_eq!(
        fmt("boundary b \"B\" { process p \"P\" { a 1; b 2 } }"),
        "boundary b \"B\" {\n  process p \"P\" {\n    a 1\n    b 2\n  }\n}\n"
    );
    assert_eq!(fmt("mitigate \"x\" { }"), "mitigate \"x\" {}\n");
    assert_eq!(fmt("mitigate \"x\" {\n\n}"), "mitigate \"x\" {}\n");
}

#[test]
fn blocks_written_over_lines_stay_expanded() {
    assert_eq!(
        fmt("process p \"P\" {\n  technology \"Go\"\n}"),
        "process p \"P\" {\n  technology \"Go\"\n}\n"
    );
    assert_eq!(
        fmt("process p \"P\" { technology \"Go\"\n}"),
        "process p \"P\" {\n  technology \"Go\"\n}\n"
    );
}

#[test]
fn blank_lines_are_kept_once_and_trimmed_at_the_edges() {
    assert_eq!(
        fmt("\n\n\nprocess a \"A\"\n\n\n\nprocess b \"B\" {\n\n  x 1\n\n\n  y 2\n\n}\n\n\n"),
        "process a \"A\"\n\nprocess b \"B\" {\n  x 1\n\n  y 2\n}\n"
    );
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n  \n"), "");
    assert_eq!(fmt("process a \"A\""), "process a \"A\"\n");
}

#[test]
fn comments_keep_their_place() {
    let text = "// header\n\n/* block */\nprocess a \"A\" { // on the brace line\n    // own line\n  x 1 // trailing\n  /* before */ y 2\n      // last in block\n} // after the block\n// at the end";
    assert_eq!(
        fmt(text),
        "// header\n\n/* block */\nprocess a \"A\" { // on the brace line\n  // own line\n  x 1 // trailing\n  /* before */ y 2\n  // last in block\n} // after the block\n// at the end\n"
    );
}

#[test]
fn a_comment_after_a_semicolon_stays_with_its_statement() {
    assert_eq!(
        fmt("model \"M\" {\n  version \"1\"; // why\n  owner \"o\"\n}"),
        "model \"M\" {\n  version \"1\" // why\n  owner \"o\"\n}\n"
    );
    assert_eq!(
        fmt("process a \"A\"; /* lead */ process b \"B\""),
        "process a \"A\"\n/* lead */ process b \"B\"\n"
    );
}

#[test]
fn trailing_comments_lose_their_alignment() {
    assert_eq!(
        fmt("model \"M\" {\n  version \"1\"       // one\n  owner \"someone\" // two\n}"),
        "model \"M\" {\n  version \"1\" // one\n  owner \"someone\" // two\n}\n"
    );
}

#[test]
fn block_comments_and_triple_quoted_strings_are_verbatim() {
    let text = "model \"M\" {\n      description \"\"\"\n    First.\n      Indented.\n  \"\"\"\n}\n/*   spaced\n      *  inside   \n*/\n";
    assert_eq!(
        fmt(text),
        "model \"M\" {\n  description \"\"\"\n    First.\n      Indented.\n  \"\"\"\n}\n/*   spaced\n      *  inside   \n*/\n"
    );
    assert_eq!(
        fmt(r#"actor a "A" { description "tab\t\"q\" \u{1F600}" }"#),
        "actor a \"A\" { description \"tab\\t\\\"q\\\" \\u{1F600}\" }\n"
    );
}

#[test]
fn a_block_holding_a_multi_line_string_is_expanded() {
    assert_eq!(
        fmt("model \"M\" { description \"\"\"\n  text\n\"\"\" }"),
        "model \"M\" {\n  description \"\"\"\n  text\n\"\"\"\n}\n"
    );
}

#[test]
fn one_line_lists_lose_their_trailing_comma() {
    assert_eq!(
        fmt("data d \"D\" { tags [ a,b , ] }"),
        "data d \"D\" { tags [a, b] }\n"
    );
    assert_eq!(
        fmt("data d \"D\" { tags [ ] }"),
        "data d \"D\" { tags [] }\n"
    );
    assert_eq!(
        fmt("data d \"D\" { tags [a, /* why */ b,] }"),
        "data d \"D\" { tags [a, /* why */ b] }\n"
    );
}

#[test]
fn multi_line_lists_get_one_item_per_line() {
    let text = "data d \"D\" {\n  tags [ // about the list\n    a, b,\n\n\n    // before c\n    c /* after c */\n    , d // after d\n  ]\n}";
    assert_eq!(
        fmt(text),
        "data d \"D\" {\n  tags [ // about the list\n    a,\n    b,\n\n    // before c\n    c, /* after c */\n    d, // after d\n  ]\n}\n"
    );
    assert_eq!(
        fmt("data d \"D\" { tags [a,\n b] }"),
        "data d \"D\" {\n  tags [\n    a,\n    b,\n  ]\n}\n"
    );
    // An empty list prints as `[]`; its block was not written on one line, so it expands.
    assert_eq!(
        fmt("data d \"D\" { tags [\n] }"),
        "data d \"D\" {\n  tags []\n}\n"
    );
}

#[test]
fn a_line_comment_before_a_comma_does_not_swallow_it() {
    assert_eq!(
        fmt("data d \"D\" {\n  tags [\n    a // one\n    /* two */ , b\n  ]\n}"),
        "data d \"D\" {\n  tags [\n    a, // one\n    /* two */\n    b,\n  ]\n}\n"
    );
}

#[test]
fn a_comment_on_its_own_line_in_a_list_stays_on_its_own_line() {
    // After the last item, which has no comma: the comment does not join the item's line.
    assert_eq!(
        fmt("actor a {\n  tags [\n    x,\n    y\n    // trailing\n  ]\n}\n"),
        "actor a {\n  tags [\n    x,\n    y,\n    // trailing\n  ]\n}\n"
    );
    // Between an item and its comma on a later line.
    assert_eq!(
        fmt("data x \"X\" {\n  tags [\n d\n // c\n , e\n]\n}"),
        "data x \"X\" {\n  tags [\n    d,\n    // c\n    e,\n  ]\n}\n"
    );
    // Block comments, a blank line before the comment, a comment after the item on its line.
    assert_eq!(
        fmt("data x \"X\" {\n  tags [ a /* same line */\n\n  /* own */\n  /* lines\n */\n  , b\n  /* last */\n  ]\n}"),
        "data x \"X\" {\n  tags [\n    a, /* same line */\n\n    /* own */\n    /* lines\n */\n    b,\n    /* last */\n  ]\n}\n"
    );
    // Before the first item: already on its own line.
    assert_eq!(
        fmt("data x \"X\" {\n  tags [\n  // first\n  /* block */\n  a\n  ]\n}"),
        "data x \"X\" {\n  tags [\n    // first\n    /* block */\n    a,\n  ]\n}\n"
    );
    // A nested list as the item.
    assert_eq!(
        fmt("model \"M\" { x [\n[a, b]\n// c\n] }"),
        "model \"M\" {\n  x [\n    [a, b],\n    // c\n  ]\n}\n"
    );
}

#[test]
fn nested_lists() {
    assert_eq!(
        fmt("model \"M\" { x [[a,b],[c]] }"),
        "model \"M\" { x [[a, b], [c]] }\n"
    );
    assert_eq!(
        fmt("model \"M\" { x [[a,\nb],[c]] }"),
        "model \"M\" {\n  x [\n    [\n      a,\n      b,\n    ],\n    [c],\n  ]\n}\n"
    );
}

#[test]
fn when_expressions_keep_their_line_breaks() {
    let text = rule(
        "  when flow.crosses_boundary and\n not (target.controls has authentication\n    or flow.controls has mtls)\n",
    );
    assert_eq!(
        fmt(&text),
        rule(
            "  when flow.crosses_boundary and\n    not (target.controls has authentication\n      or flow.controls has mtls)\n"
        )
    );
    let text = rule("  when source.kind==actor\nand target.kind   !=store // why\n");
    assert_eq!(
        fmt(&text),
        rule("  when source.kind == actor\n    and target.kind != store // why\n")
    );
}

#[test]
fn groups_over_lines_close_at_their_opening_line_indent() {
    let text = rule("  when flow.crosses_boundary and (\n      a.b or\n    // why\n   c.d\n)\n");
    assert_eq!(
        fmt(&text),
        rule("  when flow.crosses_boundary and (\n    a.b or\n    // why\n    c.d\n  )\n")
    );
}

#[test]
fn rule_on_continues_after_a_comma() {
    let text = "rule r {\ncategory spoofing\non target process,\n\n   store\ntitle \"t\"\n}";
    assert_eq!(
        fmt(text),
        "rule r {\n  category spoofing\n  on target process,\n    store\n  title \"t\"\n}\n"
    );
}

#[test]
fn a_comment_inside_a_statement_stays_inside() {
    assert_eq!(
        fmt("process /* id */ p /* name */ \"P\""),
        "process /* id */ p /* name */ \"P\"\n"
    );
}

#[test]
fn crlf_and_bom_are_normalised() {
    assert_eq!(
        fmt("\u{FEFF}process a \"A\" {\r\n  x 1 // c\r\n}\r\n"),
        "process a \"A\" {\n  x 1 // c\n}\n"
    );
}

#[test]
fn syntax_errors_are_returned_not_formatted() {
    match format("process a \"A\" {\n  x 1\n") {
        Err(FormatError::Syntax(diagnostics)) => {
            assert!(diagnostics.iter().all(|d| d.primary.span.file == FileId(0)));
            assert!(!diagnostics.is_empty());
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    // An error that the parser reports without giving up is an error too.
    assert!(matches!(
        format("model \"M\" { x 99999999999999999999 }"),
        Err(FormatError::Syntax(_))
    ));
}

#[test]
fn a_line_comment_ended_by_a_bare_carriage_return_is_refused() {
    // A carriage return without a line feed is a syntax error (it would end the comment but
    // not the line), so the file is not formatted.
    assert!(matches!(
        format("// note\rprocess a \"A\"\n"),
        Err(FormatError::Syntax(_) | FormatError::Refused(_))
    ));
}

#[test]
fn keywords_as_values_and_words_that_look_like_operators() {
    let text = "process p \"P\" { kind store; and or }\nrule r {\n  category spoofing\n  on element\n  title \"t\"\n  when element.kind == store\n    and element.x in [a, b]\n}";
    assert_eq!(
        fmt(text),
        "process p \"P\" {\n  kind store\n  and or\n}\nrule r {\n  category spoofing\n  on element\n  title \"t\"\n  when element.kind == store\n    and element.x in [a, b]\n}\n"
    );
}

#[test]
fn the_kitchen_sink_fixture() {
    let text = include_str!("../../tests/fixtures/syntax/ok-everything.tm");
    let out = fmt(text);
    assert!(out.contains("    process svc \"Service\" {\n      technology \"Go\"\n      controls [authentication, tls]\n"));
    assert!(out.contains("operator -> svc \"Operates\"\nsvc <-> db \"Reads and writes\" {\n"));
    assert!(out.contains("/* a block\n   comment */\n"));
}
