//! Lowering: pest pairs → the plain AST. The grammar guarantees the shapes; a shape it does not
//! becomes an internal-error diagnostic instead of a panic.

use super::ast::*;
use super::strings::{dedent, unescape};
use super::{expr, ParseLimits, Rule};
use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};
use crate::vocab::ElementKind;
use pest::iterators::{Pair, Pairs};

pub(super) struct Lowerer<'s> {
    pub file: FileId,
    /// Where the parsed text starts in the file (a file parsed in two halves).
    pub offset: usize,
    pub limits: ParseLimits,
    pub sink: &'s mut Diagnostics,
    pub broken: bool,
}

type Res<T> = Result<T, ()>;

/// A declaration's optional id, optional name and optional block.
type Header<'i> = (Option<Ident>, Option<Str>, Option<Pair<'i, Rule>>);

impl Lowerer<'_> {
    pub fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.offset + s.start(), self.offset + s.end())
    }

    /// Reports a parse shape the grammar should have ruled out.
    pub fn internal(&mut self, span: Span, what: &str) {
        self.broken = true;
        self.sink.push(
            Diagnostic::new(
                codes::E0001,
                span,
                format!("internal error: unexpected syntax shape ({what})"),
            )
            .with_help("this is a bug in tmc; please report it with this file"),
        );
    }

    pub fn next<'i>(
        &mut self,
        pairs: &mut Pairs<'i, Rule>,
        at: Span,
        what: &str,
    ) -> Res<Pair<'i, Rule>> {
        match pairs.next() {
            Some(pair) => Ok(pair),
            None => {
                self.internal(at, what);
                Err(())
            }
        }
    }

    fn ident(&self, pair: &Pair<Rule>) -> Ident {
        Ident {
            text: pair.as_str().to_string(),
            span: self.span(pair),
        }
    }

    pub fn string(&mut self, pair: Pair<Rule>) -> Res<Str> {
        let span = self.span(&pair);
        let value = match pair.as_rule() {
            Rule::triple_string => {
                dedent(pair.into_inner().next().map(|p| p.as_str()).unwrap_or(""))
            }
            Rule::string => {
                let raw = pair.into_inner().next().map(|p| p.as_str()).unwrap_or("");
                match unescape(raw) {
                    Ok(value) => value,
                    Err(message) => {
                        self.sink.push(
                            Diagnostic::new(codes::E0014, span, message).label("in this string"),
                        );
                        String::new()
                    }
                }
            }
            _ => {
                self.internal(span, "string");
                return Err(());
            }
        };
        Ok(Str { value, span })
    }

    pub fn value(&mut self, pair: Pair<Rule>) -> Res<Value> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::string | Rule::triple_string => ValueKind::Str(self.string(pair)?.value),
            Rule::integer => match pair.as_str().parse::<i64>() {
                Ok(n) => ValueKind::Int(n),
                Err(_) => {
                    self.sink.push(
                        Diagnostic::new(codes::E0014, span, "integer out of range")
                            .label("does not fit in 64 bits")
                            .with_help("write it as a string if it is an identifier, not a number"),
                    );
                    ValueKind::Int(0)
                }
            },
            Rule::boolean => ValueKind::Bool(pair.as_str() == "true"),
            Rule::ident => ValueKind::Ident(pair.as_str().to_string()),
            Rule::list => {
                let mut items = Vec::new();
                for item in pair.into_inner() {
                    items.push(self.value(item)?);
                }
                ValueKind::List(items)
            }
            _ => {
                self.internal(span, "value");
                return Err(());
            }
        };
        Ok(Value { kind, span })
    }

    fn property(&mut self, pair: Pair<Rule>) -> Res<Property> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let key = self.next(&mut inner, span, "property key")?;
        let value = self.next(&mut inner, span, "property value")?;
        Ok(Property {
            key: self.ident(&key),
            value: self.value(value)?,
            span,
        })
    }

    fn properties(&mut self, block: Option<Pair<Rule>>) -> Res<Vec<Property>> {
        let mut properties = Vec::new();
        for pair in block.into_iter().flat_map(|b| b.into_inner()) {
            properties.push(self.property(pair)?);
        }
        Ok(properties)
    }

    fn endpoint(&mut self, pair: Pair<Rule>) -> Res<Endpoint> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let token = self.next(&mut inner, span, "endpoint")?;
        Ok(match token.as_rule() {
            Rule::ident => Endpoint::Id(self.ident(&token)),
            _ => Endpoint::Name(self.string(token)?),
        })
    }

    /// An optional id and an optional quoted name, in that order, then an optional block.
    fn header<'i>(&mut self, inner: &mut Pairs<'i, Rule>) -> Res<Header<'i>> {
        let mut id = None;
        let mut name = None;
        let mut block = None;
        for pair in inner.by_ref() {
            match pair.as_rule() {
                Rule::ident => id = Some(self.ident(&pair)),
                Rule::string | Rule::triple_string => name = Some(self.string(pair)?),
                _ => block = Some(pair),
            }
        }
        Ok((id, name, block))
    }

    pub fn item(&mut self, pair: Pair<Rule>) -> Res<Item> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        Ok(match rule {
            Rule::model_decl => {
                inner.next();
                let name = self.next(&mut inner, span, "model name")?;
                let name = self.string(name)?;
                let properties = self.properties(inner.next())?;
                Item::Model(ModelDecl {
                    name,
                    properties,
                    span,
                })
            }
            Rule::include_stmt => {
                inner.next();
                let path = self.next(&mut inner, span, "include path")?;
                Item::Include(Include {
                    path: self.string(path)?,
                    span,
                })
            }
            Rule::use_stmt => {
                inner.next();
                let target = self.next(&mut inner, span, "use target")?;
                let target = match target.as_rule() {
                    Rule::ident => UseTarget::Builtin(self.ident(&target)),
                    _ => UseTarget::File(self.string(target)?),
                };
                Item::Use(Use { target, span })
            }
            Rule::element_decl => {
                let kind_pair = self.next(&mut inner, span, "element kind")?;
                let kind_span = self.span(&kind_pair);
                let kind =
                    ElementKind::from_word(kind_pair.as_str()).unwrap_or(ElementKind::Process);
                let (id, name, block) = self.header(&mut inner)?;
                let mut properties = Vec::new();
                let mut children = Vec::new();
                for child in block.into_iter().flat_map(|b| b.into_inner()) {
                    match child.as_rule() {
                        Rule::property => properties.push(self.property(child)?),
                        _ => children.push(self.item(child)?),
                    }
                }
                Item::Element(Element {
                    kind,
                    kind_span,
                    id,
                    name,
                    properties,
                    children,
                    span,
                })
            }
            Rule::data_decl => {
                inner.next();
                let (id, name, block) = self.header(&mut inner)?;
                let properties = self.properties(block)?;
                Item::Data(DataDecl {
                    id,
                    name,
                    properties,
                    span,
                })
            }
            Rule::flow_decl => {
                let source = self.next(&mut inner, span, "flow source")?;
                let source = self.endpoint(source)?;
                let arrow = self.next(&mut inner, span, "flow arrow")?;
                let target = self.next(&mut inner, span, "flow target")?;
                let target = self.endpoint(target)?;
                let mut label = None;
                let mut block = None;
                for rest in inner {
                    match rest.as_rule() {
                        Rule::prop_block => block = Some(rest),
                        _ => label = Some(self.string(rest)?),
                    }
                }
                Item::Flow(FlowDecl {
                    source,
                    target,
                    bidirectional: arrow.as_str() == "<->",
                    label,
                    properties: self.properties(block)?,
                    span,
                })
            }
            Rule::threat_decl => {
                inner.next();
                let (id, name, block) = self.header(&mut inner)?;
                let mut on = None;
                let mut on_span = None;
                let mut properties = Vec::new();
                for child in block.into_iter().flat_map(|b| b.into_inner()) {
                    match child.as_rule() {
                        Rule::threat_on if on_span.is_some() => {
                            let keyword = child.clone().into_inner().next();
                            let second =
                                keyword.map_or_else(|| self.span(&child), |k| self.span(&k));
                            if let Some(first) = on_span {
                                self.sink.push(
                                    Diagnostic::new(codes::E0012, second, "a threat has one `on`")
                                        .label("a second `on`")
                                        .with_secondary(first, "the first")
                                        .with_help("write one threat for each element or flow"),
                                );
                            }
                        }
                        Rule::threat_on => {
                            let clause_span = self.span(&child);
                            let mut parts = child.into_inner();
                            parts.next();
                            let first = self.next(&mut parts, clause_span, "threat target")?;
                            let first = self.endpoint(first)?;
                            let arrow = parts.next();
                            if let Some(arrow) = arrow.filter(|a| a.as_str() == "<->") {
                                self.sink.push(
                                    Diagnostic::new(
                                        codes::E0018,
                                        self.span(&arrow),
                                        "a hand-written threat is on one direction of a flow",
                                    )
                                    .label("`<->` names two flows")
                                    .with_help("write `on a -> b` (or `on b -> a`); for both, write two threats"),
                                );
                            }
                            on = Some(match parts.next() {
                                Some(second) => ThreatOn::Flow {
                                    source: first,
                                    target: self.endpoint(second)?,
                                    span: clause_span,
                                },
                                None => ThreatOn::Element(first),
                            });
                            on_span = Some(clause_span);
                        }
                        _ => properties.push(self.property(child)?),
                    }
                }
                Item::Threat(Box::new(ThreatDecl {
                    id,
                    name,
                    on,
                    on_span,
                    properties,
                    span,
                }))
            }
            Rule::mitigate_decl | Rule::accept_decl => {
                inner.next();
                let pattern = self.next(&mut inner, span, "decision id")?;
                let pattern = self.string(pattern)?;
                let properties = self.properties(inner.next())?;
                let kind = if rule == Rule::mitigate_decl {
                    DecisionKind::Mitigate
                } else {
                    DecisionKind::Accept
                };
                Item::Decision(Decision {
                    kind,
                    pattern,
                    properties,
                    span,
                })
            }
            Rule::rule_decl => {
                inner.next();
                let id = self.next(&mut inner, span, "rule id")?;
                let id = self.ident(&id);
                let block = inner.next();
                let mut on = None;
                let mut when = None;
                let mut when_keyword = None;
                let mut properties = Vec::new();
                let mut on_keyword = None;
                for child in block.into_iter().flat_map(|b| b.into_inner()) {
                    let child_span = self.span(&child);
                    // The clause's keyword, where a second clause is pointed at.
                    let keyword_span = child.clone().into_inner().next().map(|k| self.span(&k));
                    // A second `on` or `when` would silently replace the first: the rule would
                    // fire far more widely (or narrowly) than written.
                    let first = match child.as_rule() {
                        Rule::rule_on => on_keyword
                            .replace(keyword_span)
                            .flatten()
                            .map(|span| (span, "on", "write another rule for another role")),
                        Rule::rule_when => {
                            when_keyword.replace(keyword_span).flatten().map(|span| {
                                (
                                    span,
                                    "when",
                                    "join the conditions in one `when`: `when A and B`",
                                )
                            })
                        }
                        _ => None,
                    };
                    if let Some((first, keyword, help)) = first {
                        self.sink.push(
                            Diagnostic::new(
                                codes::E0101,
                                keyword_span.unwrap_or(child_span),
                                format!("a rule has one `{keyword}`"),
                            )
                            .label(format!("a second `{keyword}`"))
                            .with_secondary(first, "the first")
                            .with_help(help),
                        );
                        continue;
                    }
                    match child.as_rule() {
                        Rule::rule_on => {
                            let mut parts = child.into_inner();
                            parts.next();
                            let role = self.next(&mut parts, child_span, "rule role")?;
                            let role = self.ident(&role);
                            let kinds = parts.map(|p| self.ident(&p)).collect();
                            on = Some(RuleOn {
                                role,
                                kinds,
                                span: child_span,
                            });
                        }
                        Rule::rule_when => {
                            let mut parts = child.into_inner();
                            parts.next();
                            let body = self.next(&mut parts, child_span, "when expression")?;
                            when = Some(expr::lower_expr(self, body)?);
                        }
                        _ => properties.push(self.property(child)?),
                    }
                }
                Item::Rule(Box::new(RuleDecl {
                    id,
                    on,
                    when,
                    properties,
                    span,
                }))
            }
            _ => {
                self.internal(span, "statement");
                return Err(());
            }
        })
    }
}

pub(super) fn lower_file(
    file: FileId,
    mut pairs: Pairs<Rule>,
    offset: usize,
    limits: ParseLimits,
    sink: &mut Diagnostics,
) -> Option<File> {
    let mut lowerer = Lowerer {
        file,
        offset,
        limits,
        sink,
        broken: false,
    };
    let root = pairs.next()?;
    let mut items = Vec::new();
    for pair in root.into_inner() {
        if pair.as_rule() == Rule::EOI {
            continue;
        }
        if let Ok(item) = lowerer.item(pair) {
            items.push(item);
        }
    }
    (!lowerer.broken).then_some(File { items })
}
