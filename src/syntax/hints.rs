//! Helps for syntax errors recognised by the shape of the statement they are in: an unquoted
//! threat id, a misspelled keyword, an arrow that is not `->`, a name or value that needs
//! quotes, two properties on one line. `errors.rs` decides which applies; these only read text.

/// The statement keywords, for "did you mean `process`?".
const KEYWORDS: &[&str] = &[
    "model", "use", "include", "boundary", "actor", "external", "process", "store", "data",
    "threat", "mitigate", "accept", "rule",
];

/// The keywords of declarations that take an id and a display name.
const NAMED: &[&str] = &[
    "actor", "external", "process", "store", "boundary", "data", "threat",
];

/// Longest text of the model a help repeats; longer, the help shows a placeholder.
const ECHO: usize = 60;

/// A piece of a statement, enough to tell its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token<'t> {
    /// An identifier or a number: letters, digits, `_` and `-` (not `->`).
    Word(&'t str),
    /// A string, with its quotes as written.
    Quoted(&'t str),
    /// `->` or `<->`.
    Arrow,
    /// Any other character.
    Other(char),
}

fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// The length of the word at the start of `text`: word characters, a `-` not before `>`.
fn word_len(text: &str) -> usize {
    let mut len = 0;
    for (i, c) in text.char_indices() {
        let arrow = c == '-' && text.get(i + 1..).is_some_and(|t| t.starts_with('>'));
        if !word_char(c) || arrow {
            break;
        }
        len = i + c.len_utf8();
    }
    len
}

/// The length of the string at the start of `text` (which starts with `"`), up to its closing
/// quote or the end of `text`.
fn quoted_len(text: &str) -> usize {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return i + 1,
            _ => {}
        }
    }
    text.len()
}

/// The tokens of `text` (a part of one line).
pub(super) fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(rest) = text.get(at..) {
        let Some(first) = rest.chars().next() else {
            break;
        };
        let len = if first == ' ' || first == '\t' {
            1
        } else if first == '"' {
            let len = quoted_len(rest);
            out.push(Token::Quoted(rest.get(..len).unwrap_or(rest)));
            len
        } else if rest.starts_with("->") || rest.starts_with("<->") {
            out.push(Token::Arrow);
            if first == '<' {
                3
            } else {
                2
            }
        } else if word_char(first) {
            let len = word_len(rest).max(1);
            out.push(Token::Word(rest.get(..len).unwrap_or(rest)));
            len
        } else {
            out.push(Token::Other(first));
            first.len_utf8()
        };
        at += len;
    }
    out
}

/// What follows the last `{` or `;` of `line_before` (a line up to an error) that is not in a
/// string, trimmed: the statement the error is in, when it started on this line.
pub(super) fn statement_before(line_before: &str) -> &str {
    let mut start = 0;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line_before.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' | ';' if !in_string => start = i + 1,
            _ => {}
        }
    }
    line_before.get(start..).unwrap_or_default().trim()
}

/// The word (identifier or number) that starts at `at`, if any.
fn word_at(text: &str, at: usize) -> Option<&str> {
    let rest = text.get(at..)?;
    let len = word_len(rest);
    rest.get(..len).filter(|w| !w.is_empty())
}

/// The text from `at` up to (not including) the first character `stop` accepts or the end of
/// the line, trimmed; `None` when it is empty or longer than [`ECHO`].
fn text_until(text: &str, at: usize, stop: impl Fn(&str) -> bool) -> Option<&str> {
    let rest = text.get(at..)?;
    let end = rest
        .char_indices()
        .find(|(i, c)| {
            matches!(c, '\n' | '\r')
                || rest.get(*i..).is_some_and(|r| r.starts_with("//"))
                || rest.get(*i..).is_some_and(&stop)
        })
        .map_or(rest.len(), |(i, _)| i);
    rest.get(..end)
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.chars().count() <= ECHO)
}

/// `text` when it is short enough to repeat in a help.
fn short(text: &str) -> Option<&str> {
    Some(text).filter(|t| !t.is_empty() && t.chars().count() <= ECHO)
}

/// `accept spoofing.x@api { ... }`: a decision's threat id without its quotes (or a
/// hand-written threat given a generated threat's id).
pub(super) fn unquoted_threat_id(statement: &str, text: &str, at: usize) -> Option<String> {
    let id_char = |c: char| word_char(c) || matches!(c, '.' | '@' | '>' | '#' | '*');
    let rest = text.get(at..)?;
    match tokens(statement).as_slice() {
        [Token::Word(keyword @ ("accept" | "mitigate"))] => {
            let first = rest.chars().next()?;
            if matches!(first, '{' | '\n' | '\r' | '"') {
                return None;
            }
            let id = text_until(text, at, |r| {
                r.starts_with(|c: char| c.is_whitespace() || matches!(c, '{' | ';' | '"'))
            })
            .map(|id| id.trim_matches(['\'', '`']))
            .filter(|id| !id.is_empty() && id.chars().all(id_char))
            .unwrap_or("RULE@ELEMENT");
            Some(format!(
                "the threat id is a string: `{keyword} \"{id}\" {{ ... }}`"
            ))
        }
        tokens @ ([Token::Word("threat")] | [Token::Word("threat"), Token::Word(_)]) => {
            if !rest.starts_with(['.', '@', '>', '#', '*']) {
                return None;
            }
            let start = match tokens {
                [_, Token::Word(word)] if text.get(..at)?.ends_with(word) => at - word.len(),
                [_] => at,
                _ => return None,
            };
            let id = text_until(text, start, |r| {
                r.starts_with(|c: char| c.is_whitespace() || matches!(c, '{' | ';' | '"'))
            })
            .filter(|id| id.chars().all(id_char))
            .unwrap_or("RULE@ELEMENT");
            Some(format!(
                "a hand-written threat's id is one word: `threat prompt_injection \"Title\"`; a \
                 generated threat's id is quoted after `mitigate` or `accept`: \
                 `accept \"{id}\" {{ ... }}`"
            ))
        }
        _ => None,
    }
}

/// The statement keyword `word` is a likely misspelling of (`procss`), or the keyword itself
/// written with capitals (`Process`).
fn keyword_like(word: &str) -> Option<&'static str> {
    if word.len() > 20 || !word.is_ascii() {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    let mut best: Option<(usize, &'static str)> = None;
    for keyword in KEYWORDS {
        if *keyword == word {
            return None;
        }
        let distance = strsim::osa_distance(&lower, keyword);
        // `use` is too short to say that `user` (an actor's usual id) is a misspelling of it.
        let allowed = match keyword.len() {
            0..=3 if lower.len() != keyword.len() => 0,
            0..=5 => 1,
            _ => 2,
        };
        let better = match best {
            Some((d, _)) => distance < d,
            None => true,
        };
        if distance <= allowed && better {
            best = Some((distance, keyword));
        }
    }
    best.map(|(_, keyword)| keyword)
}

/// `procss a "A"`: a misspelled keyword starting a statement, read as a flow's source (or, in a
/// block, as a property's key) until the word or string after it.
pub(super) fn misspelled_keyword(
    statement: &str,
    text: &str,
    at: usize,
    expected: &[&str],
) -> Option<String> {
    let next_is_name = word_at(text, at).is_some() || text.get(at..)?.starts_with('"');
    let word = match tokens(statement).as_slice() {
        [Token::Word(word)] if expected.contains(&"`->` or `<->`") => *word,
        [Token::Word(word), Token::Word(_)] if expected.contains(&"a property (`key value`)") => {
            *word
        }
        _ => return None,
    };
    if !next_is_name || !word.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    keyword_like(word).map(|keyword| format!("did you mean `{keyword}`?"))
}

/// `a => b`, `a - > b`, `a <- b`, `a → b`: an arrow other than `->` and `<->` where one was
/// expected.
pub(super) fn wrong_arrow(statement: &str, text: &str, at: usize) -> Option<String> {
    let rest = text.get(at..)?;
    let first = rest.chars().next()?;
    let (len, both) = if matches!(first, '→' | '⇒' | '⟶' | '⟹' | '➔' | '➜') {
        (first.len_utf8(), false)
    } else if matches!(first, '↔' | '⇔' | '⟷' | '⟺') {
        (first.len_utf8(), true)
    } else {
        let len = rest
            .find(|c: char| !matches!(c, '-' | '=' | '<' | '>' | '~' | ' ' | '\t'))
            .unwrap_or(rest.len());
        let arrow = rest.get(..len)?.trim_end();
        if !arrow.contains(['<', '>']) {
            return None;
        }
        (len, arrow.contains('<') && arrow.contains('>'))
    };
    let source = match tokens(statement).as_slice() {
        [Token::Word(name) | Token::Quoted(name)] => short(name),
        _ => None,
    };
    let target = match tokens(text.get(at + len..)?.lines().next()?).first() {
        Some(Token::Word(name) | Token::Quoted(name)) => short(name),
        _ => None,
    };
    let (a, b) = source.zip(target).unwrap_or(("a", "b"));
    Some(if both {
        format!("a flow both ways is written `{a} <-> {b}` (one way: `{a} -> {b}`)")
    } else {
        format!("a flow is written `{a} -> {b}` (or `{a} <-> {b}` both ways)")
    })
}

/// `process "Web Shop" webshop`: the display name before the id.
pub(super) fn name_before_id(statement: &str, text: &str, at: usize) -> Option<String> {
    let id = word_at(text, at)?;
    match tokens(statement).as_slice() {
        [Token::Word(keyword), Token::Quoted(name)] if NAMED.contains(keyword) => Some(format!(
            "the id comes first, then the display name: `{keyword} {} {}`",
            short(id)?,
            short(name).unwrap_or("\"...\"")
        )),
        _ => None,
    }
}

/// Whether a name run ends here: the end of the statement or of its line, a block, a comment.
fn ends_a_name(rest: &str) -> bool {
    rest.starts_with(['{', '}', ';', '"']) || rest.starts_with("->") || rest.starts_with("<->")
}

/// `process webshop Web Shop Frontend`, `webshop -> Payment API`, `Payment API -> webshop`,
/// `technology Next js`: a name or value with spaces, not quoted. `expected` tells an element's
/// or flow's statement from a property.
pub(super) fn unquoted_words(
    statement: &str,
    text: &str,
    at: usize,
    expected: &[&str],
) -> Option<String> {
    word_at(text, at)?;
    // The text from the error to where the name ends, and what ends it.
    let tail = text_until(text, at, ends_a_name).filter(|t| !t.contains('\\'))?;
    let after = text.get(at..)?.get(tail.len()..).unwrap_or_default();
    let after = after.trim_start_matches([' ', '\t']);
    let quoted = |head: &str| format!("\"{} {tail}\"", head);
    match tokens(statement).as_slice() {
        [Token::Word(keyword), Token::Word(first)] if NAMED.contains(keyword) => {
            if after.starts_with("->") || after.starts_with("<->") {
                return None;
            }
            // `webshop Web Shop`: an id, then the name; `Web Shop`: the name alone.
            let declaration = if first.chars().any(|c| c.is_ascii_uppercase()) {
                format!("{keyword} {}", quoted(first))
            } else {
                format!("{keyword} {first} \"{tail}\"")
            };
            Some(format!(
                "a display name with spaces is quoted: `{}`",
                short(&declaration).unwrap_or(&declaration)
            ))
        }
        [source @ (Token::Word(_) | Token::Quoted(_)), Token::Arrow, Token::Word(first)]
            if !after.starts_with("->") && !after.starts_with("<->") =>
        {
            let source = match source {
                Token::Word(s) | Token::Quoted(s) => short(s).unwrap_or("a"),
                _ => "a",
            };
            let arrow = if statement.contains("<->") {
                "<->"
            } else {
                "->"
            };
            Some(format!(
                "an endpoint with spaces is quoted: `{source} {arrow} {}`",
                quoted(first)
            ))
        }
        [Token::Word(first)]
            if expected.contains(&"`->` or `<->`")
                && (after.starts_with("->") || after.starts_with("<->")) =>
        {
            let arrow = if after.starts_with('<') { "<->" } else { "->" };
            Some(format!(
                "an endpoint with spaces is quoted: `{} {arrow} ...`",
                quoted(first)
            ))
        }
        [Token::Word(key), Token::Word(first)]
            if expected.contains(&"a property (`key value`)")
                && (after.is_empty() || after.starts_with(['}', ';', '/']))
                && tail.chars().all(|c| word_char(c) || c == ' ' || c == '\t')
                && !first.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            let property = format!("{key} {}", quoted(first));
            let property = short(&property).unwrap_or(&property);
            Some(if tail.contains([' ', '\t']) {
                format!(
                    "a value with spaces is quoted: `{property}`; two properties on one line \
                     are separated with `;`"
                )
            } else {
                format!("a value with spaces is quoted: `{property}`")
            })
        }
        _ => None,
    }
}

/// `technology Next.js`, `tags [node.js]`: a bare value cut short by punctuation.
pub(super) fn punctuation_in_value(
    statement: &str,
    text: &str,
    at: usize,
    expected: &[&str],
) -> Option<String> {
    let rest = text.get(at..)?;
    if rest.starts_with(|c: char| {
        c.is_alphanumeric()
            || c.is_whitespace()
            || matches!(c, '{' | '}' | ';' | ',' | '[' | ']' | '"')
    }) || !(expected.contains(&"`}`") || expected.contains(&"`]`") || expected.contains(&"`,`"))
    {
        return None;
    }
    let toks = tokens(statement);
    let (key, in_list) = match toks.as_slice() {
        [Token::Word(key), Token::Word(_)] => (*key, false),
        [Token::Word(key), Token::Other('['), ..] => (*key, true),
        _ => return None,
    };
    let Some(Token::Word(word)) = toks.last() else {
        return None;
    };
    let before = text.get(..at)?;
    if !before.ends_with(word)
        || (in_list
            && !matches!(
                toks.get(toks.len().wrapping_sub(2)),
                Some(Token::Other('[' | ','))
            ))
    {
        return None;
    }
    let start = at - word.len();
    let value = text_until(text, start, |r| {
        r.starts_with(|c: char| c.is_whitespace() || matches!(c, '}' | ';' | ',' | ']' | '"'))
    })?;
    Some(if in_list {
        format!("quote a value with punctuation: `\"{value}\"`")
    } else {
        format!("quote a value with punctuation: `{key} \"{value}\"`")
    })
}

/// `technology "Next.js" controls [waf]`: a second property on the line of the first.
pub(super) fn properties_on_one_line(
    statement: &str,
    text: &str,
    at: usize,
    expected: &[&str],
) -> Option<String> {
    let next = word_at(text, at)?;
    if !expected.contains(&"a property (`key value`)") {
        return None;
    }
    match tokens(statement).as_slice() {
        [Token::Word(_), _, ..] => {}
        _ => return None,
    }
    Some(match short(statement) {
        Some(first) if next.len() <= 30 => {
            format!("separate properties with `;` or a line break: `{first}; {next} ...`")
        }
        _ => "separate properties with `;` or a line break".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_before_an_error_skip_braces_in_strings() {
        assert_eq!(
            statement_before("boundary b { accept \"{x;\""),
            "accept \"{x;\""
        );
        assert_eq!(statement_before("a \"\\\"{\" b"), "a \"\\\"{\" b");
    }

    #[test]
    fn keywords_are_suggested_for_near_misses_only() {
        assert_eq!(keyword_like("procss"), Some("process"));
        assert_eq!(keyword_like("Process"), Some("process"));
        assert_eq!(keyword_like("boundry"), Some("boundary"));
        assert_eq!(keyword_like("ues"), Some("use"));
        assert_eq!(keyword_like("user"), None);
        assert_eq!(keyword_like("process"), None);
        assert_eq!(keyword_like("webshop"), None);
    }

    #[test]
    fn tokens_of_odd_text_do_not_panic() {
        for text in ["", "\"", "\"\\", "<-", "-", "é→\"x", "a-->b", "a ->"] {
            let _ = tokens(text);
            let _ = statement_before(text);
            for at in 0..=text.len() + 1 {
                let _ = unquoted_threat_id("threat x", text, at);
                let _ = unquoted_threat_id("accept", text, at);
                let _ = wrong_arrow("a", text, at);
                let _ = name_before_id("process \"A\"", text, at);
                let _ = unquoted_words("process a", text, at, &[]);
                let _ = punctuation_in_value("k v", text, at, &["`}`"]);
                let _ = properties_on_one_line("k v", text, at, &[]);
            }
        }
    }
}
