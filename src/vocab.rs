//! The closed vocabularies of the language: element kinds, STRIDE categories, levels,
//! classifications and threat statuses. Shared by every stage, so they live apart from all of them.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $word:literal / $display:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the language's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word used in `.tm` source and in JSON.
            pub fn word(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// The word shown to people in reports.
            pub fn display(self) -> &'static str {
                match self { $($name::$variant => $display),+ }
            }

            /// Parses the source word; `None` for anything else.
            pub fn from_word(word: &str) -> Option<Self> {
                match word { $($word => Some($name::$variant),)+ _ => None }
            }

            /// The source words, for "expected one of" messages.
            pub fn words() -> Vec<&'static str> {
                vec![$($word),+]
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.word())
            }
        }
    };
}

vocabulary! {
    /// What a declared element is: the DFD kinds STRIDE-per-element is defined on, plus boundaries.
    ElementKind {
        Actor => "actor" / "Actor",
        External => "external" / "External system",
        Process => "process" / "Process",
        Store => "store" / "Data store",
        Boundary => "boundary" / "Trust boundary",
    }
}

vocabulary! {
    /// A STRIDE category. Reports never show anything outside this list.
    Category {
        Spoofing => "spoofing" / "Spoofing",
        Tampering => "tampering" / "Tampering",
        Repudiation => "repudiation" / "Repudiation",
        InformationDisclosure => "information_disclosure" / "Information Disclosure",
        DenialOfService => "denial_of_service" / "Denial of Service",
        ElevationOfPrivilege => "elevation_of_privilege" / "Elevation of Privilege",
    }
}

vocabulary! {
    /// Likelihood, impact and severity share one ordered scale.
    Level {
        Low => "low" / "Low",
        Medium => "medium" / "Medium",
        High => "high" / "High",
        Critical => "critical" / "Critical",
    }
}

vocabulary! {
    /// How sensitive a piece of data is, ordered from least to most (default: internal).
    Classification {
        Public => "public" / "Public",
        Internal => "internal" / "Internal",
        Confidential => "confidential" / "Confidential",
        Restricted => "restricted" / "Restricted",
    }
}

vocabulary! {
    /// Where a threat stands after the model's decisions are applied.
    Status {
        Open => "open" / "Open",
        Mitigated => "mitigated" / "Mitigated",
        Accepted => "accepted" / "Accepted",
    }
}

#[allow(clippy::derivable_impls)] // the macro cannot mark a default variant
impl Default for Classification {
    fn default() -> Self {
        Classification::Internal
    }
}

impl Level {
    /// One step up the scale, saturating at `critical`.
    pub fn raised(self) -> Level {
        match self {
            Level::Low => Level::Medium,
            Level::Medium => Level::High,
            Level::High | Level::Critical => Level::Critical,
        }
    }

    /// One step down the scale, saturating at `low`.
    pub fn lowered(self) -> Level {
        match self {
            Level::Critical => Level::High,
            Level::High => Level::Medium,
            Level::Medium | Level::Low => Level::Low,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for category in Category::ALL {
            assert_eq!(Category::from_word(category.word()), Some(*category));
        }
        assert_eq!(
            Category::InformationDisclosure.display(),
            "Information Disclosure"
        );
        assert_eq!(Level::from_word("critical"), Some(Level::Critical));
        assert_eq!(Level::from_word("Critical"), None);
        // The HTML page writes a level's word where its template lowers the display name.
        for level in Level::ALL {
            assert_eq!(level.word(), level.display().to_lowercase());
        }
    }

    #[test]
    fn scales_are_ordered_and_saturate() {
        assert!(Classification::Public < Classification::Restricted);
        assert_eq!(Level::Critical.raised(), Level::Critical);
        assert_eq!(Level::Low.lowered(), Level::Low);
        assert_eq!(Level::Medium.raised(), Level::High);
    }
}
