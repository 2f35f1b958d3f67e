//! Crate versions: what a change of some [`Level`] requires (before 1.0 a breaking change
//! bumps the minor number, after it the major; an additive one bumps the patch number before
//! 1.0 and the minor after), and whether a new version satisfies that.

use super::Level;

/// `major.minor.patch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Reads `1.2.3` (no pre-release or build parts).
pub fn parse(s: &str) -> Option<Version> {
    let mut it = s.trim().split('.').map(|p| {
        (!p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && (p == "0" || !p.starts_with('0')))
        .then(|| p.parse::<u64>().ok())
        .flatten()
    });
    let v = Version {
        major: it.next()??,
        minor: it.next()??,
        patch: it.next()??,
    };
    it.next().is_none().then_some(v)
}

/// The smallest version after `old` that changes of `level` require.
pub fn required(old: Version, level: Level) -> Option<Version> {
    let next_minor = Version {
        minor: old.minor + 1,
        patch: 0,
        ..old
    };
    let next_patch = Version {
        patch: old.patch + 1,
        ..old
    };
    let next_major = Version {
        major: old.major + 1,
        minor: 0,
        patch: 0,
    };
    match (level, old.major) {
        (Level::NoApiChange, _) => None,
        (Level::Breaking, 0) => Some(next_minor),
        (Level::Breaking, _) => Some(next_major),
        (Level::Additive, 0) => Some(next_patch),
        (Level::Additive, _) => Some(next_minor),
    }
}

/// Whether going from `old` to `new` is enough for changes of `level`.
pub fn satisfies(old: Version, new: Version, level: Level) -> bool {
    match required(old, level) {
        None => new >= old,
        Some(need) => {
            // A bigger step than needed is fine; a step of the wrong kind is not.
            match (level, old.major) {
                (Level::Breaking, 0) => new.major > 0 || new.minor > old.minor,
                (Level::Breaking, _) => new.major > old.major,
                _ => new >= need,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        parse(s).unwrap()
    }

    #[test]
    fn versions_parse_strictly() {
        assert_eq!(
            v("1.20.3"),
            Version {
                major: 1,
                minor: 20,
                patch: 3
            }
        );
        for bad in ["1.2", "1.2.3.4", "01.2.3", "1.2.x", "", "1..3", "1.2.3-rc1"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn semver_before_and_after_one() {
        assert_eq!(required(v("0.1.4"), Level::Breaking), Some(v("0.2.0")));
        assert_eq!(required(v("0.1.4"), Level::Additive), Some(v("0.1.5")));
        assert_eq!(required(v("1.4.2"), Level::Breaking), Some(v("2.0.0")));
        assert_eq!(required(v("1.4.2"), Level::Additive), Some(v("1.5.0")));
        assert_eq!(required(v("1.4.2"), Level::NoApiChange), None);
        assert!(satisfies(v("0.1.4"), v("0.2.0"), Level::Breaking));
        assert!(satisfies(v("0.1.4"), v("1.0.0"), Level::Breaking));
        assert!(!satisfies(v("0.1.4"), v("0.1.5"), Level::Breaking));
        assert!(!satisfies(v("1.4.2"), v("1.5.0"), Level::Breaking));
        assert!(satisfies(v("1.4.2"), v("2.0.0"), Level::Breaking));
        assert!(satisfies(v("0.1.4"), v("0.1.5"), Level::Additive));
        assert!(!satisfies(v("0.1.4"), v("0.1.4"), Level::Additive));
        assert!(satisfies(v("0.1.4"), v("0.1.4"), Level::NoApiChange));
    }
}
