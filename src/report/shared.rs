//! Text made once for each mitigation list that many threats share.
//!
//! A rule's mitigations without `{{ }}` holes are one list shared by all its threats (about
//! 60% of a large report's threats). Escaping such a list for Markdown or JSON gives the same
//! bytes every time, so the writers make them once per list and copy them after: at 170,000
//! threats the escaping checks were a tenth of writing each output.

use crate::Map;
use std::sync::Arc;

/// Each shared list's text in one output syntax, keyed by the list's address (a list lives as
/// long as the report, so no other list can take its address while this exists).
pub(crate) struct PerList<T> {
    made: Map<usize, T>,
}

impl<T> Default for PerList<T> {
    fn default() -> Self {
        PerList {
            made: Map::default(),
        }
    }
}

impl<T> PerList<T> {
    /// `list`'s text, made by `make` the first time it is asked for; `None` for a list that
    /// no other threat holds, which the caller writes in place.
    pub(crate) fn get(
        &mut self,
        list: &Arc<[Arc<str>]>,
        make: impl FnOnce(&[Arc<str>]) -> T,
    ) -> Option<&T> {
        if Arc::strong_count(list) < 2 {
            return None;
        }
        let key = Arc::as_ptr(list).cast::<u8>() as usize;
        Some(self.made.entry(key).or_insert_with(|| make(list)))
    }
}

#[cfg(test)]
mod tests {
    use super::PerList;
    use std::sync::Arc;

    #[test]
    fn a_shared_list_is_made_once_and_a_lone_one_never() {
        let shared: Arc<[Arc<str>]> = Arc::from(vec![Arc::from("a"), Arc::from("b")]);
        let again = shared.clone();
        let lone: Arc<[Arc<str>]> = Arc::from(vec![Arc::from("c")]);
        let mut made = 0;
        let mut lists = PerList::default();
        for list in [&shared, &again, &shared] {
            let text = lists.get(list, |items| {
                made += 1;
                items.join("; ")
            });
            assert_eq!(text.map(String::as_str), Some("a; b"));
        }
        assert_eq!(made, 1);
        assert!(lists.get(&lone, |_| String::new()).is_none());
    }
}
