//! `when` expressions: a Pratt parser over the flat operand/operator sequence the grammar
//! produces. Precedence: `not` > comparisons, `has`, `in`, `contains` > `and` > `or`.

use super::ast::{BinaryOp, Expr, Ident};
use super::lower::Lowerer;
use super::Rule;
use crate::diagnostics::{codes, Diagnostic};
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::OnceLock;

fn pratt() -> &'static PrattParser<Rule> {
    static PRATT: OnceLock<PrattParser<Rule>> = OnceLock::new();
    PRATT.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::op_or, Assoc::Left))
            .op(Op::infix(Rule::op_and, Assoc::Left))
            .op(Op::infix(Rule::op_eq, Assoc::Left)
                | Op::infix(Rule::op_ne, Assoc::Left)
                | Op::infix(Rule::op_lt, Assoc::Left)
                | Op::infix(Rule::op_le, Assoc::Left)
                | Op::infix(Rule::op_gt, Assoc::Left)
                | Op::infix(Rule::op_ge, Assoc::Left)
                | Op::infix(Rule::op_has, Assoc::Left)
                | Op::infix(Rule::op_in, Assoc::Left)
                | Op::infix(Rule::op_contains, Assoc::Left))
            .op(Op::prefix(Rule::op_not))
    })
}

fn binary_op(rule: Rule) -> Option<BinaryOp> {
    Some(match rule {
        Rule::op_or => BinaryOp::Or,
        Rule::op_and => BinaryOp::And,
        Rule::op_eq => BinaryOp::Eq,
        Rule::op_ne => BinaryOp::Ne,
        Rule::op_lt => BinaryOp::Lt,
        Rule::op_le => BinaryOp::Le,
        Rule::op_gt => BinaryOp::Gt,
        Rule::op_ge => BinaryOp::Ge,
        Rule::op_has => BinaryOp::Has,
        Rule::op_in => BinaryOp::In,
        Rule::op_contains => BinaryOp::Contains,
        _ => return None,
    })
}

pub(super) fn lower_expr(lowerer: &mut Lowerer, pair: Pair<Rule>) -> Result<Expr, ()> {
    let span = lowerer.span(&pair);
    // The Pratt parser recurses once per `not`; the pre-scan bounds parentheses, this bounds `not`.
    let mut run = 0usize;
    for token in pair.clone().into_inner() {
        run = if token.as_rule() == Rule::op_not {
            run + 1
        } else {
            0
        };
        if run > lowerer.limits.max_depth {
            lowerer.sink.push(
                Diagnostic::new(
                    codes::E0003,
                    lowerer.span(&token),
                    format!("more than {} `not` in a row", lowerer.limits.max_depth),
                )
                .with_help("simplify the expression, or raise the limit with `--max-depth`"),
            );
            return Err(());
        }
    }
    // The closures cannot borrow the lowerer mutably all at once, so errors are collected.
    let lowerer_cell = std::cell::RefCell::new(lowerer);
    let result = pratt()
        .map_primary(|primary| operand(&mut lowerer_cell.borrow_mut(), primary))
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            let span = lowerer_cell.borrow().span(&op).to(rhs.span());
            Ok(Expr::Not(Box::new(rhs), span))
        })
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let span = lhs.span().to(rhs.span());
            match binary_op(op.as_rule()) {
                Some(bin) => Ok(Expr::Binary(bin, Box::new(lhs), Box::new(rhs), span)),
                None => {
                    lowerer_cell.borrow_mut().internal(span, "operator");
                    Err(())
                }
            }
        })
        .parse(pair.into_inner());
    if result.is_err() {
        lowerer_cell.borrow_mut().internal(span, "expression");
    }
    result
}

fn operand(lowerer: &mut Lowerer, pair: Pair<Rule>) -> Result<Expr, ()> {
    let span = lowerer.span(&pair);
    match pair.as_rule() {
        Rule::group => {
            let mut inner = pair.into_inner();
            let body = lowerer.next(&mut inner, span, "group")?;
            lower_expr(lowerer, body)
        }
        Rule::path => {
            let segments = pair
                .into_inner()
                .map(|segment| Ident {
                    text: segment.as_str().to_string(),
                    span: lowerer.span(&segment),
                })
                .collect();
            Ok(Expr::Path(segments, span))
        }
        Rule::none => Ok(Expr::None(span)),
        _ => Ok(Expr::Literal(lowerer.value(pair)?)),
    }
}
