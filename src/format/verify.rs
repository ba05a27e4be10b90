//! The formatter's safety net: the syntax tree of the formatted text must equal the tree of
//! the original once spans (which move with the lines) are set aside.

use crate::source::{FileId, Span};
use crate::syntax::ast::*;

/// True when both files say the same thing, wherever it is written.
pub(super) fn same_tree(mut before: File, mut after: File) -> bool {
    erase_items(&mut before.items);
    erase_items(&mut after.items);
    before == after
}

const NOWHERE: Span = Span::empty(FileId(0));

fn erase_items(items: &mut [Item]) {
    for item in items {
        erase_item(item);
    }
}

fn erase_item(item: &mut Item) {
    match item {
        Item::Model(model) => {
            erase_str(&mut model.name);
            erase_properties(&mut model.properties);
            model.span = NOWHERE;
        }
        Item::Include(include) => {
            erase_str(&mut include.path);
            include.span = NOWHERE;
        }
        Item::Use(usage) => {
            match &mut usage.target {
                UseTarget::Builtin(name) => erase_ident(name),
                UseTarget::File(path) => erase_str(path),
            }
            usage.span = NOWHERE;
        }
        Item::Element(element) => {
            element.kind_span = NOWHERE;
            element.id.iter_mut().for_each(erase_ident);
            element.name.iter_mut().for_each(erase_str);
            erase_properties(&mut element.properties);
            erase_items(&mut element.children);
            element.span = NOWHERE;
        }
        Item::Data(data) => {
            data.id.iter_mut().for_each(erase_ident);
            data.name.iter_mut().for_each(erase_str);
            erase_properties(&mut data.properties);
            data.span = NOWHERE;
        }
        Item::Flow(flow) => {
            erase_endpoint(&mut flow.source);
            erase_endpoint(&mut flow.target);
            flow.label.iter_mut().for_each(erase_str);
            erase_properties(&mut flow.properties);
            flow.span = NOWHERE;
        }
        Item::Threat(threat) => {
            threat.id.iter_mut().for_each(erase_ident);
            threat.name.iter_mut().for_each(erase_str);
            match &mut threat.on {
                Some(ThreatOn::Element(endpoint)) => erase_endpoint(endpoint),
                Some(ThreatOn::Flow {
                    source,
                    target,
                    span,
                }) => {
                    erase_endpoint(source);
                    erase_endpoint(target);
                    *span = NOWHERE;
                }
                None => {}
            }
            threat.on_span = threat.on_span.map(|_| NOWHERE);
            erase_properties(&mut threat.properties);
            threat.span = NOWHERE;
        }
        Item::Decision(decision) => {
            erase_str(&mut decision.pattern);
            erase_properties(&mut decision.properties);
            decision.span = NOWHERE;
        }
        Item::Rule(rule) => {
            erase_ident(&mut rule.id);
            if let Some(on) = &mut rule.on {
                erase_ident(&mut on.role);
                on.kinds.iter_mut().for_each(erase_ident);
                on.span = NOWHERE;
            }
            rule.when.iter_mut().for_each(erase_expr);
            erase_properties(&mut rule.properties);
            rule.span = NOWHERE;
        }
    }
}

fn erase_ident(ident: &mut Ident) {
    ident.span = NOWHERE;
}

fn erase_str(string: &mut Str) {
    string.span = NOWHERE;
}

fn erase_endpoint(endpoint: &mut Endpoint) {
    match endpoint {
        Endpoint::Id(ident) => erase_ident(ident),
        Endpoint::Name(name) => erase_str(name),
    }
}

fn erase_properties(properties: &mut [Property]) {
    for property in properties {
        erase_ident(&mut property.key);
        erase_value(&mut property.value);
        property.span = NOWHERE;
    }
}

fn erase_value(value: &mut Value) {
    if let ValueKind::List(items) = &mut value.kind {
        items.iter_mut().for_each(erase_value);
    }
    value.span = NOWHERE;
}

fn erase_expr(expr: &mut Expr) {
    match expr {
        Expr::Literal(value) => erase_value(value),
        Expr::None(span) => *span = NOWHERE,
        Expr::Path(segments, span) => {
            segments.iter_mut().for_each(erase_ident);
            *span = NOWHERE;
        }
        Expr::Not(inner, span) => {
            erase_expr(inner);
            *span = NOWHERE;
        }
        Expr::Binary(_, left, right, span) => {
            erase_expr(left);
            erase_expr(right);
            *span = NOWHERE;
        }
    }
}
