//! The formatter's lexer: text → tokens, comments and line breaks included. It only ever sees
//! text that has parsed, so it mirrors the grammar's lexical rules without reporting errors in
//! words; anything it does not recognise is a refusal, never a guess.

/// Which bracket a token opens or closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bracket {
    /// `{ }`: a block of statements.
    Brace,
    /// `[ ]`: a list.
    Square,
    /// `( )`: a group in a `when` expression.
    Paren,
}

/// One token. Strings, words, integers and operators are kept as their source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Token {
    /// A word (identifier, keyword, dotted rule id or path), string, integer or operator.
    Atom(String),
    Comma,
    Semi,
    Open(Bracket),
    Close(Bracket),
    /// `// ...` (without its line break, trailing blanks trimmed) or `/* ... */` (verbatim).
    Comment {
        text: String,
        line: bool,
    },
    /// One or more line breaks; `blank` when at least one line between them was empty.
    Newline {
        blank: bool,
    },
}

/// Splits `text` into tokens. `Err` says what could not be read.
pub(super) fn lex(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let (token, len) = match c {
            ' ' | '\t' | '\u{FEFF}' => (None, c.len_utf8()),
            // Before `\n` or bare, a carriage return is blank space to the grammar.
            '\r' => (None, 1),
            '\n' => {
                let blank = match tokens.last_mut() {
                    Some(Token::Newline { blank }) => {
                        *blank = true;
                        true
                    }
                    _ => false,
                };
                if blank {
                    (None, 1)
                } else {
                    (Some(Token::Newline { blank: false }), 1)
                }
            }
            '/' if rest.starts_with("//") => {
                let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
                let after = rest.get(end..).unwrap_or("");
                if after.starts_with('\r') && !after.starts_with("\r\n") {
                    return Err(
                        "a `//` comment ends with a bare carriage return (an old Mac line ending); \
                         convert the file's line endings to \\n first"
                            .to_string(),
                    );
                }
                let body = rest.get(..end).unwrap_or("").trim_end();
                (Some(comment(body, true)), end)
            }
            '/' if rest.starts_with("/*") => {
                let end = rest
                    .get(2..)
                    .and_then(|r| r.find("*/"))
                    .map(|at| at + 4)
                    .ok_or("an unterminated block comment")?;
                (Some(comment(rest.get(..end).unwrap_or(""), false)), end)
            }
            '"' if rest.starts_with("\"\"\"") => {
                let end = rest
                    .get(3..)
                    .and_then(|r| r.find("\"\"\""))
                    .map(|at| at + 6)
                    .ok_or("an unterminated triple-quoted string")?;
                let raw = rest.get(..end).unwrap_or("");
                (Some(Token::Atom(raw.replace("\r\n", "\n"))), end)
            }
            '"' => {
                let end = string_end(rest).ok_or("an unterminated string")?;
                (
                    Some(Token::Atom(rest.get(..end).unwrap_or("").to_string())),
                    end,
                )
            }
            '{' => (Some(Token::Open(Bracket::Brace)), 1),
            '}' => (Some(Token::Close(Bracket::Brace)), 1),
            '[' => (Some(Token::Open(Bracket::Square)), 1),
            ']' => (Some(Token::Close(Bracket::Square)), 1),
            '(' => (Some(Token::Open(Bracket::Paren)), 1),
            ')' => (Some(Token::Close(Bracket::Paren)), 1),
            ',' => (Some(Token::Comma), 1),
            ';' => (Some(Token::Semi), 1),
            _ => {
                let len = atom_len(rest).ok_or_else(|| format!("unexpected `{c}`"))?;
                (
                    Some(Token::Atom(rest.get(..len).unwrap_or("").to_string())),
                    len,
                )
            }
        };
        tokens.extend(token);
        rest = rest.get(len..).unwrap_or("");
    }
    Ok(tokens)
}

fn comment(text: &str, line: bool) -> Token {
    Token::Comment {
        text: text.replace("\r\n", "\n"),
        line,
    }
}

/// The length of the `"..."` string at the start of `text`, quotes included.
fn string_end(text: &str) -> Option<usize> {
    let mut chars = text.char_indices().skip(1);
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return Some(at + 1),
            '\n' => return None,
            _ => {}
        }
    }
    None
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

/// The length of the word, integer or operator at the start of `text`.
fn atom_len(text: &str) -> Option<usize> {
    const OPERATORS: [&str; 8] = ["<->", "->", "==", "!=", "<=", ">=", "<", ">"];
    if let Some(op) = OPERATORS.iter().find(|op| text.starts_with(**op)) {
        return Some(op.len());
    }
    let bytes = text.as_bytes();
    let first = *bytes.first()?;
    if first == b'-' || first.is_ascii_digit() {
        let digits = bytes
            .iter()
            .skip(usize::from(first == b'-'))
            .take_while(|b| b.is_ascii_digit())
            .count();
        return (digits > 0).then_some(digits + usize::from(first == b'-'));
    }
    if !is_ident_start(char::from(first)) {
        return None;
    }
    // An identifier, then `.identifier` as long as they follow (rule ids and paths).
    let mut at = 0;
    loop {
        at += ident_len(text.get(at..)?);
        let rest = text.get(at..)?;
        match rest.strip_prefix('.') {
            Some(next) if next.starts_with(is_ident_start) => at += 1,
            _ => return Some(at),
        }
    }
}

/// `[A-Za-z_][A-Za-z0-9_-]*`, where a `-` followed by `>` ends the identifier.
fn ident_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        let ok = b.is_ascii_alphanumeric()
            || b == b'_'
            || (b == b'-' && bytes.get(at + 1) != Some(&b'>'));
        if !ok {
            break;
        }
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atoms(text: &str) -> Vec<String> {
        lex(text)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|t| match t {
                Token::Atom(s) => s,
                Token::Comment { text, .. } => text,
                Token::Newline { blank } => if blank { "NL2" } else { "NL" }.to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn words_operators_and_numbers() {
        assert_eq!(atoms("a->b"), ["a", "->", "b"]);
        assert_eq!(atoms("a<->b-c"), ["a", "<->", "b-c"]);
        assert_eq!(
            atoms("when source.kind==actor and x<=-3"),
            ["when", "source.kind", "==", "actor", "and", "x", "<=", "-3"]
        );
        assert_eq!(atoms("rule a.b_c.d {"), ["rule", "a.b_c.d", "Open(Brace)"]);
    }

    #[test]
    fn strings_are_kept_verbatim() {
        assert_eq!(atoms(r#"x "a\"b\\" y"#), ["x", r#""a\"b\\""#, "y"]);
        assert_eq!(atoms("\"\"\"\n  a\r\n\"\"\""), ["\"\"\"\n  a\n\"\"\""]);
        // The first `"""` after the opening one closes the string, as in the grammar.
        assert_eq!(atoms("\"\"\"\"a\"\"\" x"), ["\"\"\"\"a\"\"\"", "x"]);
    }

    #[test]
    fn comments_and_line_breaks() {
        assert_eq!(
            atoms("a // c  \r\n\r\n\n/* x\n y */b"),
            ["a", "// c", "NL2", "/* x\n y */", "b"]
        );
        assert!(lex("// c\rprocess a").is_err());
        assert_eq!(atoms("\u{FEFF}a\r\n"), ["a", "NL"]);
    }
}
