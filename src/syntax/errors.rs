//! pest's errors in words: "expected a string or `{`, found `->`", never rule names.

use super::hints::{self, statement_before};
use super::Rule;
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};

/// What a grammar rule looks like to a person, or `None` for rules not worth naming.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of file",
        Rule::statement | Rule::model_decl | Rule::include_stmt | Rule::use_stmt => "a declaration",
        Rule::element_decl | Rule::element_kind => "a declaration",
        Rule::data_decl | Rule::threat_decl | Rule::rule_decl => "a declaration",
        Rule::mitigate_decl | Rule::accept_decl => "a declaration",
        Rule::flow_decl => "a flow (`a -> b`)",
        Rule::arrow => "`->` or `<->`",
        Rule::endpoint => "an id or a quoted name",
        Rule::element_block | Rule::prop_block | Rule::threat_block | Rule::rule_block => "`{`",
        Rule::property => "a property (`key value`)",
        Rule::threat_on | Rule::rule_on | Rule::kw_on => "`on`",
        Rule::rule_when | Rule::kw_when => "`when`",
        Rule::rule_id => "a rule id",
        Rule::value => "a value",
        Rule::list => "a list (`[a, b]`)",
        Rule::integer => "an integer",
        Rule::boolean => "`true` or `false`",
        Rule::string | Rule::string_inner => "a string",
        Rule::triple_string | Rule::triple_inner => "a string",
        Rule::ident => "an identifier",
        Rule::expr | Rule::group | Rule::path | Rule::none => "an expression",
        Rule::op_not => "`not`",
        Rule::op_or | Rule::op_and => "`and` or `or`",
        Rule::op_eq | Rule::op_ne | Rule::op_le | Rule::op_ge | Rule::op_lt | Rule::op_gt => {
            "a comparison"
        }
        Rule::op_has | Rule::op_in | Rule::op_contains => "an operator",
        Rule::kw_model | Rule::kw_include | Rule::kw_use | Rule::kw_actor | Rule::kw_external => {
            "a declaration"
        }
        Rule::kw_process | Rule::kw_store | Rule::kw_boundary | Rule::kw_data | Rule::kw_threat => {
            "a declaration"
        }
        Rule::kw_mitigate | Rule::kw_accept | Rule::kw_rule => "a declaration",
        _ => return None,
    })
}

fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// Characters that look like others or like nothing, which text pasted from a word processor,
/// a wiki or a chat brings along: named, since `found ` `` would show a plain space or nothing.
const LOOKALIKES: &[(char, &str)] = &[
    ('\u{A0}', "no-break space"),
    ('\u{2007}', "figure space"),
    ('\u{2009}', "thin space"),
    ('\u{200A}', "hair space"),
    ('\u{200B}', "zero-width space"),
    ('\u{200C}', "zero-width non-joiner"),
    ('\u{200D}', "zero-width joiner"),
    ('\u{2028}', "line separator"),
    ('\u{2029}', "paragraph separator"),
    ('\u{202F}', "narrow no-break space"),
    ('\u{2060}', "word joiner"),
    ('\u{3000}', "ideographic space"),
    ('\u{FEFF}', "byte order mark"),
    ('\u{2018}', "left single quotation mark"),
    ('\u{2019}', "right single quotation mark"),
    ('\u{201C}', "left double quotation mark"),
    ('\u{201D}', "right double quotation mark"),
    ('\u{2013}', "en dash"),
    ('\u{2014}', "em dash"),
    ('\u{2212}', "minus sign"),
];

/// The token at `at`, for "found ..." (a word, a symbol, or end of line/file).
fn found(text: &str, at: usize) -> String {
    let rest = text.get(at..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return "end of file".to_string();
    };
    if first == '\n' || first == '\r' {
        return "end of line".to_string();
    }
    if let Some((_, name)) = LOOKALIKES.iter().find(|(c, _)| *c == first) {
        return format!("U+{:04X} ({name})", u32::from(first));
    }
    let word: String = if first.is_alphanumeric() || first == '_' {
        rest.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .take(40)
            .collect()
    } else if rest.starts_with("<->") {
        "<->".to_string()
    } else if rest.starts_with("->") {
        "->".to_string()
    } else {
        first.to_string()
    };
    format!("`{word}`")
}

/// Whether the text around `at` reads as an unquoted date (`2026-01-01`): digits, `-`, digits.
fn looks_like_a_date(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    let start = bytes.get(..at).map_or(at, |b| {
        b.iter()
            .rposition(|c| !(c.is_ascii_digit() || *c == b'-'))
            .map_or(0, |p| p + 1)
    });
    let word = bytes.get(start..).unwrap_or_default();
    let word: Vec<u8> = word
        .iter()
        .take_while(|c| c.is_ascii_digit() || **c == b'-')
        .copied()
        .collect();
    word.len() == 10 && word.get(4) == Some(&b'-') && word.get(7) == Some(&b'-')
}

/// A literal token pest expected, in words; `None` for tokens that only add noise.
fn classify_token(token: &str) -> Option<&'static str> {
    Some(match token {
        "model" | "include" | "use" | "actor" | "external" | "process" | "store" | "boundary"
        | "data" | "threat" | "mitigate" | "accept" | "rule" => "a declaration",
        "true" | "false" | "[" => "a value",
        "none" | "not" | "(" => "an expression",
        "->" | "<->" => "`->` or `<->`",
        "\"" => "a string",
        "on" => "`on`",
        "when" => "`when`",
        "," => "`,`",
        "]" => "`]`",
        "{" => "`{`",
        "}" => "`}`",
        ")" => "`)`",
        "." => "`.`",
        "==" | "!=" | "<" | "<=" | ">" | ">=" => "a comparison",
        "and" | "or" => "`and` or `or`",
        _ => return None,
    })
}

/// Sorts and merges words so the message reads naturally.
fn tidy(words: &mut Vec<String>) {
    words.sort();
    words.dedup();
    let has = |words: &Vec<String>, w: &str| words.iter().any(|x| x == w);
    if has(words, "a declaration") {
        words.retain(|w| {
            !matches!(
                w.as_str(),
                "an identifier" | "a string" | "an id or a quoted name"
            )
        });
        words.push("a flow (`a -> b`)".to_string());
    }
    if has(words, "a value") {
        words.retain(|w| {
            !matches!(
                w.as_str(),
                "an identifier"
                    | "a string"
                    | "an integer"
                    | "`true` or `false`"
                    | "a list (`[a, b]`)"
            )
        });
    }
    if has(words, "an expression") {
        words.retain(|w| {
            !matches!(
                w.as_str(),
                "an identifier"
                    | "a string"
                    | "an integer"
                    | "`true` or `false`"
                    | "a list (`[a, b]`)"
                    | "a value"
                    | "`not`"
            )
        });
    }
    if has(words, "a string") && has(words, "an identifier") {
        words.retain(|w| !matches!(w.as_str(), "an identifier" | "a string"));
        words.push("an id or a quoted name".to_string());
        words.sort();
        words.dedup();
    }
    if has(words, "`,`") || has(words, "`]`") {
        words.retain(|w| w != "a list (`[a, b]`)");
    }
}

/// The furthest position the parser reached and what it would have accepted there, from
/// pest's detailed attempts (which also name literal tokens like `]` that rules alone hide).
fn detailed(error: &Error<Rule>) -> Option<(usize, Vec<String>)> {
    let attempts = error.parse_attempts()?;
    let mut words: Vec<String> = attempts
        .expected_tokens()
        .into_iter()
        .filter_map(|token| classify_token(&token.to_string()))
        .map(str::to_string)
        .collect();
    for stack in attempts.call_stacks() {
        let rule = stack.deepest.get_rule().copied().or(stack.parent);
        if let Some(word) = rule.and_then(describe) {
            words.push(word.to_string());
        }
    }
    tidy(&mut words);
    Some((attempts.max_position, words))
}

/// The diagnostic for a pest error in `text[offset..]`; spans are positions in `text`.
pub fn syntax_error(file: FileId, text: &str, offset: usize, error: &Error<Rule>) -> Diagnostic {
    let rule_at = offset
        + match error.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
    // pest's positions are in `text[offset..]`, the part parsed again after an error.
    let detail = detailed(error)
        .map(|(position, words)| (offset + position, words))
        .filter(|(position, words)| *position >= rule_at && !words.is_empty());
    let at = detail.as_ref().map_or(rule_at, |(position, _)| *position);
    let end = text
        .get(at..)
        .and_then(|rest| rest.chars().next())
        .filter(|c| *c != '\n' && *c != '\r')
        .map(|c| at + c.len_utf8())
        .unwrap_or(at);
    let mut span = Span::new(file, at, end);
    let mut expected: Vec<&str> = match (&detail, &error.variant) {
        (Some((_, words)), _) => words.iter().map(String::as_str).collect(),
        (None, ErrorVariant::ParsingError { positives, .. }) => {
            positives.iter().filter_map(|r| describe(*r)).collect()
        }
        (None, ErrorVariant::CustomError { .. }) => Vec::new(),
    };
    expected.sort_unstable();
    expected.dedup();
    let found = found(text, at);
    // Just after a `\` in a string: an escape the language does not have (`\x41`, `\q`).
    let after_backslash = at > 0 && text.as_bytes().get(at - 1) == Some(&b'\\');
    let unknown_escape = after_backslash && expected.contains(&"a string");
    // Inside a `\u{...}` escape: no digit, too many, or not hex (`\u{}`, `\u{zz}`).
    let bad_unicode = (!unknown_escape && expected.contains(&"a string"))
        .then(|| unicode_escape_at(text, at))
        .flatten();
    if let Some((start, end)) = bad_unicode {
        span = Span::new(file, start, end);
    }
    let message = if let Some((start, end)) = bad_unicode {
        let written = text.get(start..end).unwrap_or("\\u{");
        format!("invalid escape `{written}` in a string")
    } else if unknown_escape {
        let letter = text.get(at..).and_then(|t| t.chars().next()).unwrap_or(' ');
        format!("unknown escape `\\{letter}` in a string")
    } else if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", join_words(&expected))
    };
    let mut diagnostic = Diagnostic::new(codes::E0001, span, message).label("here");
    let line_start = text
        .get(..at)
        .and_then(|t| t.rfind('\n'))
        .map(|p| p + 1)
        .unwrap_or(0);
    let line_before = text.get(line_start..at).unwrap_or("").trim();
    let statement = statement_before(line_before);
    let letter_u = text.get(at..).is_some_and(|t| t.starts_with('u'));
    if bad_unicode.is_some() || unknown_escape && letter_u {
        diagnostic = diagnostic.with_help(UNICODE_ESCAPE_HELP);
    } else if unknown_escape {
        diagnostic = diagnostic.with_help(
            "the escapes are \\\" \\\\ \\n \\t \\r and \\u{XXXX}; write a backslash as \\\\",
        );
    } else if let Some(help) = (found == "`{`").then(|| missing_name(statement)).flatten() {
        // `model {`: the statement's name or id is missing, wherever it is.
        diagnostic = diagnostic.with_help(help);
    } else if found.starts_with("U+") {
        diagnostic = diagnostic.with_help(if found.contains("quotation mark") {
            "write straight quotes: `\"` (a word processor or chat turns them curly)"
        } else if found.contains("dash") || found.contains("minus") {
            "write `-` (a word processor or chat turns it into a dash)"
        } else {
            "replace it with a plain space or remove it (pasted text often carries such characters)"
        });
    } else if found.starts_with("`")
        && expected.contains(&"an integer")
        && looks_like_a_date(text, at)
    {
        diagnostic = diagnostic.with_help("write a date as a string: `until \"2027-06-30\"`");
    } else if found == "`\\`" {
        diagnostic = diagnostic.with_help("the escapes are \\\" \\\\ \\n \\t \\r and \\u{XXXX}");
    } else if let Some(help) = expected
        .contains(&"`->` or `<->`")
        .then(|| hints::wrong_arrow(statement, text, at))
        .flatten()
    {
        // `a => b`, `a <- b`, `a → b`: an arrow the language does not have.
        diagnostic = diagnostic.with_help(help);
    } else if let Some(key) = Some(statement).filter(|key| {
        (found == "`=`" || found == "`:`")
            && !key.is_empty()
            && (key.chars()).all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    }) {
        // `technology = "Go"` (HCL) or `technology: "Go"` (YAML) after a key, on a line of its
        // own or in a block on one line (`{ owner = "x" }`).
        diagnostic = diagnostic.with_help(format!(
            "a property is its key and its value, with nothing between them: `{key} \"...\"`"
        ));
    } else if let Some(help) = hints::unquoted_threat_id(statement, text, at) {
        // `accept spoofing.x@api { ... }`: the threat id without its quotes.
        diagnostic = diagnostic.with_help(help);
    } else if (found == "`.`" || found == "`{`")
        && statement
            .strip_prefix("rule ")
            .is_some_and(|id| !id.trim().is_empty() && !id.trim().contains(char::is_whitespace))
    {
        // At the top level a rule id may hold dots; only inside a block is it read as a key.
        diagnostic = diagnostic.with_help(
            "a `rule` is declared at the top level of a file (or of a rule pack), not inside a block",
        );
    } else if let Some(keyword) =
        top_level_keyword_in_block(statement, &found).filter(|_| expected.contains(&"`}`"))
    {
        // `accept "*@api" { ... }` or `threat t "T"` inside an element or boundary: read as a
        // property, whose value cannot be followed by a block or a second string.
        diagnostic = diagnostic.with_help(format!(
            "`{keyword}` is declared at the top level of a file, not inside a block: move it \
             after the closing `}}`"
        ));
    } else if let Some(help) = hints::misspelled_keyword(statement, text, at, &expected)
        .or_else(|| hints::name_before_id(statement, text, at))
        .or_else(|| hints::unquoted_words(statement, text, at, &expected))
        .or_else(|| hints::punctuation_in_value(statement, text, at, &expected))
        .or_else(|| hints::properties_on_one_line(statement, text, at, &expected))
    {
        // The shape of the statement tells what was meant: `procss a`, `process "A" a`,
        // `process a Web Shop`, `technology Next.js`, `technology "Go" owner "x"`.
        diagnostic = diagnostic.with_help(help);
    } else if expected.contains(&"`{`") && found == "end of line"
        || found == "`{`" && line_before.is_empty()
    {
        // The block's `{` left at the end of its line, or put at the start of the next.
        diagnostic =
            diagnostic.with_help("a block's `{` must be on the same line as its declaration");
    } else if !line_before.is_empty()
        && classify_token(found.trim_matches('`')) == Some("a declaration")
    {
        diagnostic = diagnostic
            .with_help("put each statement on its own line, or separate statements with `;`");
    } else if line_before.is_empty() && expected.contains(&"a declaration") {
        diagnostic = diagnostic.with_help(
            "a statement starts with model, include, use, actor, external, process, store, boundary, data, threat, mitigate, accept or rule, or is a flow `a -> b`",
        );
    }
    diagnostic
}

const UNICODE_ESCAPE_HELP: &str = "`\\u{...}` takes 1 to 6 hex digits, the code of a \
    character: `\\u{e9}` is é; the other escapes are \\\" \\\\ \\n \\t \\r, and a backslash is \\\\";

/// The escape `\u{` + hex digits that the error at `at` is inside (at its end), if any: from its
/// `\` to its `}`, or to where the string or line ends.
fn unicode_escape_at(text: &str, at: usize) -> Option<(usize, usize)> {
    let head = text.get(..at)?;
    let before_digits = head.trim_end_matches(|c: char| c.is_ascii_hexdigit());
    if head.len() - before_digits.len() > 6 {
        return None;
    }
    let backslash = before_digits.strip_suffix("\\u{")?.len();
    // The `\` must not itself be escaped (`\\u{` is a backslash and then `u{`).
    let backslashes = text
        .get(..=backslash)?
        .bytes()
        .rev()
        .take_while(|b| *b == b'\\')
        .count();
    if backslashes % 2 == 0 {
        return None;
    }
    let rest = text.get(at..)?;
    let end = rest
        .char_indices()
        .take(16)
        .find(|(_, c)| matches!(c, '}' | '"' | '\\' | '\n' | '\r'))
        .map_or(
            at + rest.chars().take(16).map(char::len_utf8).sum::<usize>(),
            |(i, c)| at + i + if c == '}' { 1 } else { 0 },
        );
    Some((backslash, end.max(at)))
}

/// The help for a statement whose keyword is followed by its block with nothing between
/// (`model {}`): the name or id it takes.
fn missing_name(statement: &str) -> Option<String> {
    Some(match statement {
        "model" => "`model` takes the model's name before its block: `model \"Payments\" { ... }`"
            .to_string(),
        "data" => "`data` takes an id, a quoted name or both before its block: \
                   `data pii \"Personal data\" { ... }`; as a property, the data a flow carries \
                   or a store holds is a list: `data [pii]`"
            .to_string(),
        "actor" | "external" | "process" | "store" | "boundary" | "threat" => format!(
            "`{statement}` takes an id, a quoted name or both before its block: \
             `{statement} api \"API\" {{ ... }}`"
        ),
        "mitigate" | "accept" => format!(
            "`{statement}` takes the id of the threats it decides, quoted, before its block: \
             `{statement} \"RULE@ELEMENT\" {{ ... }}`"
        ),
        "rule" => {
            "`rule` takes its id before its block: `rule spoofing.my_rule { ... }`".to_string()
        }
        _ => return None,
    })
}

/// The keyword of a top-level statement that `statement` starts, when what was `found` after
/// it shows it was read as a property (`key value` and then a block or another string).
fn top_level_keyword_in_block(statement: &str, found: &str) -> Option<&'static str> {
    if found != "`{`" && found != "`\"`" {
        return None;
    }
    let first = statement.split_whitespace().next()?;
    [
        "mitigate", "accept", "threat", "data", "include", "use", "model",
    ]
    .into_iter()
    .find(|keyword| *keyword == first)
}
