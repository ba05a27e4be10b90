//! "Did you mean" hints: the closest known names to a mistyped one.

/// Work, in cells of edit-distance tables (plus one per candidate looked at), that the
/// "did you mean" hints of one run may spend.
///
/// A hint compares the unknown name with every known one, so a model with thousands of unknown
/// names and thousands of known ones (or one name of 30 000 characters) would take time quadratic
/// in its size. This is a few tens of milliseconds of hints; once it is spent, the rest of the
/// run's diagnostics come without "did you mean".
pub const HINT_BUDGET: usize = 20_000_000;

/// What is left of [`HINT_BUDGET`]. The [`Diagnostics`](super::Diagnostics) sink carries one
/// for the whole run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HintBudget {
    left: usize,
}

impl Default for HintBudget {
    fn default() -> Self {
        HintBudget { left: HINT_BUDGET }
    }
}

impl HintBudget {
    /// Takes `cost` from the budget. When there is not that much left, the budget is spent for
    /// good (so hints stop rather than come and go) and the answer is false.
    pub fn take(&mut self, cost: usize) -> bool {
        if cost >= self.left {
            self.left = 0;
            return false;
        }
        self.left -= cost;
        true
    }

    /// True once a hint has asked for more than was left.
    pub fn is_spent(&self) -> bool {
        self.left == 0
    }
}

/// The closest candidate, if it is close enough to be a likely typo.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest_many(wanted, candidates, 1).into_iter().next()
}

/// Up to `limit` close candidates, best first; ties keep the candidates' order.
pub fn closest_many<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<&'a str> {
    closest_within(wanted, candidates, limit, &mut HintBudget::default())
}

/// [`closest_many`], paid for from `budget`; nothing when the budget runs out on the way.
pub fn closest_within<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
    budget: &mut HintBudget,
) -> Vec<&'a str> {
    if !budget.take(wanted.len()) {
        return Vec::new();
    }
    let wanted_lower = wanted.to_lowercase();
    let wanted_chars = wanted.chars().count();
    let wanted_lower_chars = wanted_lower.chars().count();
    let mut scored: Vec<(usize, usize, &'a str)> = Vec::new();
    for (order, candidate) in candidates.into_iter().enumerate() {
        if !budget.take(1 + candidate.len()) {
            return Vec::new();
        }
        let candidate_lower = candidate.to_lowercase();
        let candidate_lower_chars = candidate_lower.chars().count();
        let allowed = (wanted_chars.max(candidate.chars().count()) / 3).max(1);
        let prefix = candidate.len() >= 3
            && (candidate.starts_with(wanted) || wanted.starts_with(candidate))
            && candidate != wanted;
        // The distance is at least the difference in length: only near lengths need the table.
        let length_gap = wanted_lower_chars.abs_diff(candidate_lower_chars);
        let distance = if length_gap <= allowed {
            if !budget.take(wanted_lower_chars.saturating_mul(candidate_lower_chars)) {
                return Vec::new();
            }
            strsim::osa_distance(&wanted_lower, &candidate_lower)
        } else {
            // Only a prefix can still be suggested, and its distance is the difference.
            length_gap
        };
        // Distance 0 apart from the original is a difference of case only (`Stride`).
        if (distance > 0 || candidate != wanted) && distance <= allowed || prefix {
            scored.push((distance, order, candidate));
        }
    }
    scored.sort();
    scored.into_iter().take(limit).map(|(_, _, c)| c).collect()
}

/// True when two words are exactly one edit apart.
pub fn one_edit_apart(a: &str, b: &str) -> bool {
    strsim::levenshtein(a, b) == 1 || strsim::damerau_levenshtein(a, b) == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_difference_of_case_is_suggested_and_the_same_word_is_not() {
        assert_eq!(closest("Stride", ["stride", "llm"]), Some("stride"));
        assert_eq!(closest("API", ["api", "apis"]), Some("api"));
        assert_eq!(closest("stride", ["stride"]), None);
    }

    #[test]
    fn finds_typos_not_strangers() {
        let names = ["api_gateway", "api_app", "chatgpt"];
        assert_eq!(closest("api_gatway", names), Some("api_gateway"));
        assert_eq!(closest("chatgtp", names), Some("chatgpt"));
        assert_eq!(closest("billing", names), None);
        assert!(one_edit_apart("technolgy", "technology"));
        assert!(!one_edit_apart("tags", "owner"));
    }

    #[test]
    fn prefixes_are_suggested_whatever_their_length() {
        assert_eq!(
            closest("api", ["api_gateway_for_partners"]),
            Some("api_gateway_for_partners")
        );
        assert_eq!(
            closest_many(
                "api_gateway_for_partners",
                ["api", "api_gateway_for_partner"],
                2
            ),
            ["api_gateway_for_partner", "api"]
        );
    }

    #[test]
    fn a_spent_budget_gives_no_hints() {
        let long = "a".repeat(30_000);
        let longer = format!("{long}b");
        let mut budget = HintBudget::default();
        // One comparison of two 30 000-character names would cost 900 million cells.
        assert!(closest_within(&longer, [long.as_str()], 1, &mut budget).is_empty());
        assert!(budget.is_spent());
        assert!(closest_within("api_gatway", ["api_gateway"], 1, &mut budget).is_empty());
        let mut budget = HintBudget::default();
        assert_eq!(
            closest_within("api_gatway", ["api_gateway"], 1, &mut budget),
            ["api_gateway"]
        );
        assert!(!budget.is_spent());
    }
}
