//! The mock server's limits as data (the generator reads them too, to document them): how much of a request it reads, how long it waits for it, and
//! how much it keeps. Each limit has a default, a `<crate>-mock` flag, a line in
//! `/__mock/health`, and an answer in the provider's error shape when a request crosses it.

use std::time::Duration;

/// Every bound the mock puts on what a client sends and on what it keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest request body read, in bytes; a larger one is answered 413.
    pub body_bytes: usize,
    /// Members of one JSON object in a request body; more is a malformed request.
    pub object_members: usize,
    /// Nesting depth of a request body's JSON (objects and arrays); deeper is malformed.
    pub depth: u32,
    /// Characters of a string field whose spec gives no `max_length`.
    pub string_chars: u32,
    /// Records kept per resource; beyond it the oldest is dropped and counted.
    pub records: usize,
    /// Bytes of records kept, all resources together (an estimate of the memory they take);
    /// beyond it the oldest records are dropped and counted.
    pub record_bytes: usize,
    /// Journal entries kept (requests and webhook deliveries), each body cut at 4 KiB.
    pub journal: usize,
    /// Time from a request's first byte to the end of its headers; the connection is closed
    /// after it.
    pub header_timeout: Duration,
    /// Time to receive a request's body once its headers are in; answered 408.
    pub body_timeout: Duration,
    /// Time a connection may go without sending a byte; it is closed after it.
    pub idle_timeout: Duration,
}

impl Limits {
    /// The defaults: 1 MiB bodies, 1,000 members per object, depth 32, 1,024 characters per
    /// unbounded string, 20,000 records per resource and 64 MiB of records, 1,000 journal
    /// entries, 10 s for headers, for a body and of silence.
    pub const DEFAULT: Limits = Limits {
        body_bytes: 1 << 20,
        object_members: 1_000,
        depth: 32,
        string_chars: 1_024,
        records: 20_000,
        record_bytes: 64 << 20,
        journal: 1_000,
        header_timeout: Duration::from_secs(10),
        body_timeout: Duration::from_secs(10),
        idle_timeout: Duration::from_secs(10),
    };

    /// Each limit by its name in `/__mock/health` and its value (times in milliseconds).
    pub fn named(&self) -> [(&'static str, u64); 10] {
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let n = |v: usize| u64::try_from(v).unwrap_or(u64::MAX);
        [
            ("body_bytes", n(self.body_bytes)),
            ("object_members", n(self.object_members)),
            ("depth", u64::from(self.depth)),
            ("string_chars", u64::from(self.string_chars)),
            ("records", n(self.records)),
            ("record_bytes", n(self.record_bytes)),
            ("journal", n(self.journal)),
            ("header_timeout_ms", ms(self.header_timeout)),
            ("body_timeout_ms", ms(self.body_timeout)),
            ("idle_timeout_ms", ms(self.idle_timeout)),
        ]
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// A command-line flag that sets one limit: its name, what it takes, its range.
pub struct Flag {
    /// `--max-body` …
    pub flag: &'static str,
    /// What the value is, for the help and for usage errors.
    pub takes: &'static str,
    /// Smallest and largest accepted value.
    pub range: (u64, u64),
    /// One line of help.
    pub help: &'static str,
    set: fn(&mut Limits, u64),
    get: fn(&Limits) -> u64,
}

impl Flag {
    /// Sets the limit from a flag's value text; `Err` is the usage error to print.
    pub fn apply(&self, limits: &mut Limits, text: &str) -> Result<(), String> {
        let (lo, hi) = self.range;
        match text.parse::<u64>() {
            Ok(v) if (lo..=hi).contains(&v) => {
                (self.set)(limits, v);
                Ok(())
            }
            _ => Err(format!(
                "{}: `{text}` is not {} from {lo} to {hi}",
                self.flag, self.takes
            )),
        }
    }

    /// The limit's current value, as the flag reads it.
    pub fn value(&self, limits: &Limits) -> u64 {
        (self.get)(limits)
    }
}

fn size(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

fn small(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

fn secs(d: Duration) -> u64 {
    d.as_secs()
}

/// The flags of the `<crate>-mock` command that set limits.
pub const FLAGS: &[Flag] = &[
    Flag {
        flag: "--max-body",
        takes: "a number of bytes",
        range: (1_024, 64 << 20),
        help: "largest request body read, in bytes (413 beyond)",
        set: |l, v| l.body_bytes = size(v),
        get: |l| l.body_bytes as u64,
    },
    Flag {
        flag: "--max-members",
        takes: "a number of members",
        range: (16, 1_000_000),
        help: "members of one JSON object in a request",
        set: |l, v| l.object_members = size(v),
        get: |l| l.object_members as u64,
    },
    Flag {
        flag: "--max-depth",
        takes: "a nesting depth",
        range: (2, 128),
        help: "nesting depth of a request's JSON",
        set: |l, v| l.depth = small(v),
        get: |l| u64::from(l.depth),
    },
    Flag {
        flag: "--max-string",
        takes: "a number of characters",
        range: (1, 1 << 20),
        help: "characters of a string whose spec gives no max_length",
        set: |l, v| l.string_chars = small(v),
        get: |l| u64::from(l.string_chars),
    },
    Flag {
        flag: "--max-records",
        takes: "a number of records",
        range: (1, 10_000_000),
        help: "records kept per resource (the oldest dropped and counted beyond)",
        set: |l, v| l.records = size(v),
        get: |l| l.records as u64,
    },
    Flag {
        flag: "--max-record-bytes",
        takes: "a number of bytes",
        range: (1 << 20, 1 << 40),
        help: "bytes of records kept, all resources together",
        set: |l, v| l.record_bytes = size(v),
        get: |l| l.record_bytes as u64,
    },
    Flag {
        flag: "--max-journal",
        takes: "a number of entries",
        range: (1, 1_000_000),
        help: "journal entries kept",
        set: |l, v| l.journal = size(v),
        get: |l| l.journal as u64,
    },
    Flag {
        flag: "--header-timeout",
        takes: "a number of seconds",
        range: (1, 3_600),
        help: "seconds to receive a request's headers",
        set: |l, v| l.header_timeout = Duration::from_secs(v),
        get: |l| secs(l.header_timeout),
    },
    Flag {
        flag: "--body-timeout",
        takes: "a number of seconds",
        range: (1, 3_600),
        help: "seconds to receive a request's body (408 beyond)",
        set: |l, v| l.body_timeout = Duration::from_secs(v),
        get: |l| secs(l.body_timeout),
    },
    Flag {
        flag: "--idle-timeout",
        takes: "a number of seconds",
        range: (1, 3_600),
        help: "seconds a connection may stay silent",
        set: |l, v| l.idle_timeout = Duration::from_secs(v),
        get: |l| secs(l.idle_timeout),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_sets_its_own_limit_and_refuses_out_of_range() {
        for f in FLAGS {
            let mut l = Limits::DEFAULT;
            let before = l.named();
            let (lo, hi) = f.range;
            f.apply(&mut l, &hi.to_string()).unwrap();
            assert_eq!(f.value(&l), hi, "{}", f.flag);
            let changed = before
                .iter()
                .zip(l.named())
                .filter(|(a, b)| **a != *b)
                .count();
            assert_eq!(changed, 1, "{} changes one limit", f.flag);
            f.apply(&mut l, &lo.to_string()).unwrap();
            assert_eq!(f.value(&l), lo, "{}", f.flag);
            for bad in [(hi + 1).to_string(), "x".into(), "-1".into(), String::new()] {
                let e = f.apply(&mut l, &bad).unwrap_err();
                assert!(e.starts_with(f.flag) && e.contains(&bad), "{e}");
            }
            if lo > 0 {
                assert!(f.apply(&mut l, &(lo - 1).to_string()).is_err());
            }
        }
    }

    #[test]
    fn defaults_are_within_their_flags_ranges() {
        for f in FLAGS {
            let v = f.value(&Limits::DEFAULT);
            assert!(f.range.0 <= v && v <= f.range.1, "{} = {v}", f.flag);
        }
    }
}
