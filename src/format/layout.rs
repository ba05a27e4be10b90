//! Tokens → a tree of brackets → the canonical text.
//!
//! The tree only knows brackets: a `Block` is `{ ... }`, a `List` is `[ ... ]`, a `Group` is
//! `( ... )`; everything else is a flat run of atoms, commas, semicolons, comments and line
//! breaks. The printer decides line breaks from that alone, and only where the grammar allows
//! them to move: between statements and right inside `{ }` (where `;` and line breaks are
//! interchangeable separators), and anywhere inside `[ ]`. Every other line break — in a `when`
//! expression, inside `( )`, after a `,` of `on` — is kept where it was; the printer only
//! re-indents the line that follows it.

use super::lex::{Bracket, Token};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Node {
    Atom(String),
    Comma,
    Semi,
    Comment { text: String, line: bool },
    Newline { blank: bool },
    Block(Vec<Node>),
    List(Vec<Node>),
    Group(Vec<Node>),
}

/// Nests the tokens by their brackets.
pub(super) fn tree(tokens: Vec<Token>) -> Result<Vec<Node>, String> {
    let mut stack: Vec<(Bracket, Vec<Node>)> = Vec::new();
    let mut top = Vec::new();
    for token in tokens {
        let node = match token {
            Token::Open(bracket) => {
                stack.push((bracket, std::mem::take(&mut top)));
                continue;
            }
            Token::Close(bracket) => {
                let (open, parent) = stack.pop().ok_or("a closing bracket without its opening")?;
                if open != bracket {
                    return Err("mismatched brackets".to_string());
                }
                let inner = std::mem::replace(&mut top, parent);
                match bracket {
                    Bracket::Brace => Node::Block(inner),
                    Bracket::Square => Node::List(inner),
                    Bracket::Paren => Node::Group(inner),
                }
            }
            Token::Atom(text) => Node::Atom(text),
            Token::Comma => Node::Comma,
            Token::Semi => Node::Semi,
            Token::Comment { text, line } => Node::Comment { text, line },
            Token::Newline { blank } => Node::Newline { blank },
        };
        top.push(node);
    }
    if !stack.is_empty() {
        return Err("an unclosed bracket".to_string());
    }
    Ok(top)
}

/// Prints a whole file.
pub(super) fn print(nodes: &[Node]) -> String {
    let segments = segment(nodes, false, false);
    let mut out = Out::default();
    out.entries(&segments, 0);
    if !out.text.is_empty() {
        out.text.push('\n');
    }
    out.text
}

/// Comparison operators: only ever inside a `when` expression, where a line may break around them.
const COMPARISONS: [&str; 6] = ["==", "!=", "<=", ">=", "<", ">"];
/// Word operators: infix in a `when` expression (elsewhere they are plain words).
const WORD_OPERATORS: [&str; 5] = ["and", "or", "has", "in", "contains"];

fn is_comment(node: &Node) -> bool {
    matches!(node, Node::Comment { .. })
}

fn is_significant(node: &Node) -> bool {
    !matches!(node, Node::Comment { .. } | Node::Newline { .. })
}

fn atom_in(node: Option<&Node>, words: &[&str]) -> bool {
    matches!(node, Some(Node::Atom(text)) if words.contains(&text.as_str()))
}

/// The first word of a statement (`rule`, `when`, `process`, ...).
fn first_atom<'n>(statement: &[&'n Node]) -> Option<&'n str> {
    match statement.iter().find(|node| is_significant(node)) {
        Some(Node::Atom(text)) => Some(text),
        _ => None,
    }
}

/// Whether the line break after `statement` continues it (`rest` follows the line break).
/// Only three things continue over a line break outside brackets: the kinds of a rule's `on`
/// after a `,`, and a `when` expression before or after an infix operator, or after `not`.
fn continues(statement: &[&Node], rest: &[Node], in_rule: bool) -> bool {
    let previous = statement.iter().rev().find(|node| is_significant(node));
    let next = rest.iter().find(|node| is_significant(node));
    if matches!(previous, Some(Node::Comma)) {
        return true;
    }
    if atom_in(previous.copied(), &COMPARISONS) || atom_in(next, &COMPARISONS) {
        return true;
    }
    in_rule
        && first_atom(statement) == Some("when")
        && (atom_in(previous.copied(), &WORD_OPERATORS)
            || atom_in(previous.copied(), &["not"])
            || atom_in(next, &WORD_OPERATORS))
}

/// Whether a bracket's content prints on one line: no line break in it anywhere, and every
/// block in it holds at most one statement.
fn one_line(nodes: &[Node]) -> bool {
    nodes.iter().all(|node| match node {
        Node::Newline { .. } => false,
        Node::Comment { text, line } => !line && !text.contains('\n'),
        Node::Atom(text) => !text.contains('\n'),
        Node::List(inner) | Node::Group(inner) => one_line(inner),
        Node::Block(inner) => block_on_one_line(inner),
        Node::Comma | Node::Semi => true,
    })
}

/// A block stays on one line when it was written on one line and holds at most one statement.
fn block_on_one_line(nodes: &[Node]) -> bool {
    let statements = nodes
        .split(|node| matches!(node, Node::Semi))
        .filter(|part| part.iter().any(|node| !is_comment(node)))
        .count();
    statements <= 1 && one_line(nodes)
}

/// One line (or more, for a statement that continues) of a block.
#[derive(Debug)]
enum Entry<'n> {
    /// A statement with its comments, and the line breaks that continue it.
    Statement(Vec<&'n Node>),
    /// Comments on a line of their own.
    Comments(Vec<&'n Node>),
    Blank,
}

/// The content of a block (or the file): comments on the line of the `{`, then entries.
#[derive(Debug, Default)]
struct Segments<'n> {
    head: Vec<&'n Node>,
    entries: Vec<Entry<'n>>,
}

impl<'n> Segments<'n> {
    /// Starts an entry: a blank line is kept between two entries, never before the first.
    fn start(&mut self, blank: &mut bool) {
        if std::mem::take(blank) && !self.entries.is_empty() {
            self.entries.push(Entry::Blank);
        }
    }

    /// Ends the current statement, if any; true when there was one.
    fn close(&mut self, statement: Option<Vec<&'n Node>>) -> bool {
        let Some(mut nodes) = statement else {
            return false;
        };
        while matches!(nodes.last(), Some(Node::Newline { .. })) {
            nodes.pop();
        }
        self.entries.push(Entry::Statement(nodes));
        true
    }
}

/// Splits a block's content into statements, comment lines and blank lines.
fn segment(nodes: &[Node], in_rule: bool, has_head: bool) -> Segments<'_> {
    let mut segments = Segments::default();
    let mut current: Option<Vec<&Node>> = None;
    let mut on_head_line = has_head;
    // A statement ended with `;` on this line: comments after it, alone, stay with it.
    let mut ended_on_line = false;
    // The last entry is a comment line begun on this line.
    let mut comments_on_line = false;
    let mut blank = false;
    for (index, node) in nodes.iter().enumerate() {
        let rest = nodes.get(index + 1..).unwrap_or_default();
        match node {
            Node::Semi => {
                ended_on_line |= segments.close(current.take());
            }
            Node::Newline { blank: empty_line } => {
                if let Some(statement) = current.as_mut() {
                    if continues(statement, rest, in_rule) {
                        statement.push(node);
                        continue;
                    }
                }
                segments.close(current.take());
                on_head_line = false;
                ended_on_line = false;
                comments_on_line = false;
                blank |= *empty_line;
            }
            Node::Comment { .. } => {
                if let Some(statement) = current.as_mut() {
                    statement.push(node);
                    continue;
                }
                let code_follows = rest
                    .iter()
                    .find(|n| !is_comment(n))
                    .is_some_and(|n| !matches!(n, Node::Newline { .. } | Node::Semi));
                if code_follows {
                    segments.start(&mut blank);
                    current = Some(vec![node]);
                    continue;
                }
                if ended_on_line {
                    if let Some(Entry::Statement(statement)) = segments.entries.last_mut() {
                        statement.push(node);
                        continue;
                    }
                }
                if on_head_line {
                    segments.head.push(node);
                    continue;
                }
                if comments_on_line {
                    if let Some(Entry::Comments(comments)) = segments.entries.last_mut() {
                        comments.push(node);
                        continue;
                    }
                }
                segments.start(&mut blank);
                segments.entries.push(Entry::Comments(vec![node]));
                comments_on_line = true;
            }
            _ => match current.as_mut() {
                Some(statement) => statement.push(node),
                None => {
                    segments.start(&mut blank);
                    current = Some(vec![node]);
                }
            },
        }
    }
    segments.close(current.take());
    segments
}

/// One item of a list spread over lines: block comments before it, the value, and comments
/// after it on its line (printed after its comma).
#[derive(Debug)]
struct Item<'n> {
    leading: Vec<&'n Node>,
    value: &'n Node,
    trailing: Vec<&'n Node>,
}

#[derive(Debug)]
enum ListEntry<'n> {
    Item(Item<'n>),
    Comments(Vec<&'n Node>),
    Blank,
}

/// Splits a list's content into items, comment lines and blank lines.
fn list_entries(nodes: &[Node]) -> (Vec<&Node>, Vec<ListEntry<'_>>) {
    let mut head = Vec::new();
    let mut entries: Vec<ListEntry> = Vec::new();
    let mut current: Option<Item> = None;
    let mut leading = Vec::new();
    let mut on_head_line = true;
    let mut ended_on_line = false;
    let mut comments_on_line = false;
    let mut blank = false;
    // The current item (still waiting for its comma) is no longer on this line, and whether a
    // blank line followed it.
    let mut item_line_ended = false;
    let mut blank_after_item = false;
    for (index, node) in nodes.iter().enumerate() {
        match node {
            Node::Comma => {
                if let Some(item) = current.take() {
                    entries.push(ListEntry::Item(item));
                    ended_on_line = true;
                }
            }
            Node::Newline { blank: empty_line } => {
                on_head_line = false;
                ended_on_line = false;
                comments_on_line = false;
                if current.is_none() {
                    blank |= *empty_line;
                } else {
                    item_line_ended = true;
                    blank_after_item |= *empty_line;
                }
            }
            Node::Comment { .. } => {
                if let Some(item) = current.as_mut() {
                    if !item_line_ended {
                        item.trailing.push(node);
                        continue;
                    }
                }
                // A comment on a line after an item that has not had its comma yet: the item
                // ends here (it is printed with its comma) and the comment goes on its own line.
                if let Some(item) = current.take() {
                    entries.push(ListEntry::Item(item));
                    blank |= std::mem::take(&mut blank_after_item);
                }
                let rest = nodes.get(index + 1..).unwrap_or_default();
                let value_follows = rest
                    .iter()
                    .find(|n| !is_comment(n))
                    .is_some_and(|n| !matches!(n, Node::Newline { .. } | Node::Comma));
                if value_follows {
                    leading.push(node);
                    continue;
                }
                if ended_on_line {
                    if let Some(ListEntry::Item(item)) = entries.last_mut() {
                        item.trailing.push(node);
                        continue;
                    }
                }
                if on_head_line {
                    head.push(node);
                    continue;
                }
                if comments_on_line {
                    if let Some(ListEntry::Comments(comments)) = entries.last_mut() {
                        comments.push(node);
                        continue;
                    }
                }
                start_list_entry(&mut entries, &mut blank);
                entries.push(ListEntry::Comments(vec![node]));
                comments_on_line = true;
            }
            _ => {
                if let Some(item) = current.take() {
                    entries.push(ListEntry::Item(item));
                }
                start_list_entry(&mut entries, &mut blank);
                item_line_ended = false;
                blank_after_item = false;
                current = Some(Item {
                    leading: std::mem::take(&mut leading),
                    value: node,
                    trailing: Vec::new(),
                });
            }
        }
    }
    if let Some(item) = current.take() {
        entries.push(ListEntry::Item(item));
    }
    (head, entries)
}

/// A blank line is kept between two entries, never before the first.
fn start_list_entry(entries: &mut Vec<ListEntry<'_>>, blank: &mut bool) {
    if std::mem::take(blank) && !entries.is_empty() {
        entries.push(ListEntry::Blank);
    }
}

/// The text being written. Indentation is written lazily, with the first thing on a line, so
/// no line ends in blanks.
#[derive(Default)]
struct Out {
    text: String,
    at_line_start: bool,
    /// Indentation of the current line, in levels of two spaces.
    indent: usize,
}

impl Out {
    fn put(&mut self, text: &str) {
        if self.at_line_start {
            for _ in 0..self.indent {
                self.text.push_str("  ");
            }
            self.at_line_start = false;
        }
        self.text.push_str(text);
    }

    fn space(&mut self) {
        if !self.at_line_start {
            self.text.push(' ');
        }
    }

    /// Starts a new line at `indent` (the first line of the file starts without a break).
    fn line(&mut self, indent: usize) {
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        self.at_line_start = true;
        self.indent = indent;
    }

    fn blank(&mut self) {
        if !self.text.is_empty() {
            self.text.push('\n');
        }
    }

    fn entries(&mut self, segments: &Segments, indent: usize) {
        for entry in &segments.entries {
            match entry {
                Entry::Blank => self.blank(),
                Entry::Statement(nodes) => {
                    self.line(indent);
                    self.statement(nodes, indent);
                }
                Entry::Comments(nodes) => {
                    self.line(indent);
                    self.run(nodes, indent, indent, false);
                }
            }
        }
    }

    /// A statement; the lines that continue it are indented one level more.
    fn statement(&mut self, nodes: &[&Node], indent: usize) {
        let in_rule = first_atom(nodes) == Some("rule");
        self.run(nodes, indent + 1, indent + 1, in_rule);
    }

    /// Nodes separated by one space (none before a comma). A line break goes to `indent`, or
    /// to `close` when nothing but the closing bracket follows it.
    fn run(&mut self, nodes: &[&Node], indent: usize, close: usize, in_rule: bool) {
        let mut first = true;
        for (index, node) in nodes.iter().enumerate() {
            match node {
                Node::Newline { .. } => {
                    if matches!(nodes.get(index + 1), Some(Node::Newline { .. })) {
                        continue;
                    }
                    let last = index + 1 == nodes.len();
                    self.line(if last { close } else { indent });
                }
                Node::Comma => self.put(","),
                _ => {
                    if !first {
                        self.space();
                    }
                    self.node(node, in_rule);
                }
            }
            first = false;
        }
    }

    fn node(&mut self, node: &Node, in_rule: bool) {
        match node {
            Node::Atom(text) | Node::Comment { text, .. } => self.put(text),
            Node::Comma => self.put(","),
            Node::Semi => self.put(";"),
            Node::Newline { .. } => self.line(self.indent),
            Node::Block(inner) => self.block(inner, in_rule),
            Node::List(inner) => self.list(inner),
            Node::Group(inner) => {
                let indent = self.indent;
                self.put("(");
                let nodes: Vec<&Node> = inner.iter().collect();
                self.run(&nodes, indent + 1, indent, false);
                self.put(")");
            }
        }
    }

    fn block(&mut self, inner: &[Node], in_rule: bool) {
        let segments = segment(inner, in_rule, true);
        if segments.head.is_empty() && segments.entries.is_empty() {
            self.put("{}");
            return;
        }
        let indent = self.indent;
        self.put("{");
        for comment in &segments.head {
            self.space();
            self.node(comment, false);
        }
        if block_on_one_line(inner) {
            for entry in &segments.entries {
                if let Entry::Statement(nodes) = entry {
                    self.space();
                    self.statement(nodes, indent);
                }
            }
            self.put(" }");
            return;
        }
        self.entries(&segments, indent + 1);
        self.line(indent);
        self.put("}");
    }

    fn list(&mut self, inner: &[Node]) {
        if one_line(inner) {
            // `[a, b]`: no trailing comma.
            let last_value = inner
                .iter()
                .rposition(|n| !matches!(n, Node::Comma) && !is_comment(n));
            let nodes: Vec<&Node> = inner
                .iter()
                .enumerate()
                .filter(|(at, node)| !matches!(node, Node::Comma) || Some(*at) < last_value)
                .map(|(_, node)| node)
                .collect();
            self.put("[");
            self.run(&nodes, self.indent, self.indent, false);
            self.put("]");
            return;
        }
        let (head, entries) = list_entries(inner);
        if head.is_empty() && entries.is_empty() {
            self.put("[]");
            return;
        }
        let indent = self.indent;
        self.put("[");
        for comment in head {
            self.space();
            self.node(comment, false);
        }
        for entry in &entries {
            match entry {
                ListEntry::Blank => self.blank(),
                ListEntry::Comments(nodes) => {
                    self.line(indent + 1);
                    self.run(nodes, indent + 1, indent + 1, false);
                }
                ListEntry::Item(item) => {
                    self.line(indent + 1);
                    for comment in &item.leading {
                        self.node(comment, false);
                        self.space();
                    }
                    self.node(item.value, false);
                    self.put(",");
                    let mut after_line_comment = false;
                    for comment in &item.trailing {
                        if after_line_comment {
                            self.line(indent + 1);
                        } else {
                            self.space();
                        }
                        self.node(comment, false);
                        after_line_comment = matches!(comment, Node::Comment { line: true, .. });
                    }
                }
            }
        }
        self.line(indent);
        self.put("]");
    }
}
