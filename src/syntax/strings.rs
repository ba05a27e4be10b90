//! String literals and derived ids.

/// Decodes the escapes of a `"..."` literal (the grammar has already checked their shape).
pub fn unescape(raw: &str) -> Result<String, String> {
    // Nearly every literal has no escape: copied whole, not a character at a time.
    if !raw.contains('\\') {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('u') => {
                let hex: String = chars
                    .by_ref()
                    .skip_while(|c| *c == '{')
                    .take_while(|c| *c != '}')
                    .collect();
                let code = u32::from_str_radix(&hex, 16)
                    .map_err(|_| format!("`\\u{{{hex}}}` is not a hexadecimal code point"))?;
                let ch = char::from_u32(code)
                    .ok_or_else(|| format!("`\\u{{{hex}}}` is not a Unicode scalar value"))?;
                out.push(ch);
            }
            other => {
                return Err(format!(
                    "unknown escape `\\{}`",
                    other.map(String::from).unwrap_or_default()
                ))
            }
        }
    }
    Ok(out)
}

/// The text of a `"""..."""` literal: a first line break is dropped, and the indentation
/// common to all non-blank lines is removed, so text can be indented with its block.
pub fn dedent(raw: &str) -> String {
    let body = raw
        .strip_prefix("\r\n")
        .or_else(|| raw.strip_prefix('\n'))
        .unwrap_or(raw);
    let indent = body
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let lines: Vec<&str> = body
        .lines()
        .map(|line| line.get(indent..).unwrap_or_else(|| line.trim_start()))
        .collect();
    let mut text = lines.join("\n");
    while text.ends_with([' ', '\t', '\n']) {
        text.pop();
    }
    text
}

/// The id of an element declared without one: lowercase, runs of anything but ASCII letters
/// and digits become `_`, no `_` at either end; an id that would start with a digit gets `_`.
pub fn derive_id(name: &str) -> String {
    let mut id = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.ends_with('_') {
            id.push('_');
        }
    }
    let trimmed = id.trim_matches('_');
    match trimmed.chars().next() {
        None => "_".to_string(),
        Some(first) if first.is_ascii_digit() => format!("_{trimmed}"),
        Some(_) => trimmed.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_ids_as_the_contract_says() {
        assert_eq!(derive_id("API Application"), "api_application");
        assert_eq!(derive_id("ChatGPT-3.5"), "chatgpt_3_5");
        assert_eq!(derive_id("  Meal Planner (A)  "), "meal_planner_a");
        assert_eq!(derive_id("3D printer"), "_3d_printer");
        assert_eq!(derive_id("Café ☕"), "caf");
        assert_eq!(derive_id("!!!"), "_");
    }

    #[test]
    fn unescapes() {
        assert_eq!(unescape(r#"a\"b\\c\nd\te"#).as_deref(), Ok("a\"b\\c\nd\te"));
        assert_eq!(unescape(r"\u{1F600}").as_deref(), Ok("😀"));
        assert!(unescape(r"\u{D800}").is_err());
    }

    #[test]
    fn dedents_triple_quoted_text() {
        assert_eq!(
            dedent("\n    line one\n      indented\n    line two\n  "),
            "line one\n  indented\nline two"
        );
        assert_eq!(dedent("single"), "single");
    }
}
