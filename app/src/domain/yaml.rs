//! YAML from outside (blueprints, custom attributes) read within a budget. YAML aliases repeat the node
//! they name wherever they appear, so `a: &a [x, x, …]` and `b: [*a, *a, …]` make a small file expand
//! into billions of nodes while it is deserialised (the "billion laughs" attack; issue 12 item 10).
//! `yaml_serde` stops at 100 alias jumps per event, which still lets such a file expand to about 100 × its
//! events², so the document is first walked without building anything, counting every node as the
//! deserialiser expands aliases, and refused as soon as the count passes the budget; only a document
//! within the budget is then read into a value.

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess,
};
use std::cell::Cell;
use std::fmt;

/// Why YAML from outside is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlError {
    /// The text is longer than the limit (bytes).
    TooLarge {
        /// The limit, bytes.
        max_bytes: usize,
    },
    /// The document, with its aliases expanded, has more nodes than the budget.
    TooManyNodes {
        /// The budget.
        max_nodes: usize,
    },
    /// The document's scalars, aliases expanded, hold more bytes than [`EXPANSION`] times the text's limit
    /// (issue 35 item 6: a 1 MiB blueprint of aliases to one 500 KB string is few nodes but gigabytes).
    ExpandsTooFar {
        /// The limit on expanded scalar bytes.
        max_bytes: usize,
    },
    /// Not YAML: the parser's message (with its line when it knows it).
    Syntax(String),
}

impl YamlError {
    /// This error's message in `l` (the catalogue's `err-yaml-…` keys); its `Display` is the
    /// English one. A syntax error is the parser's message, as the parser words it (English).
    pub fn worded(&self, l: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::TooLarge { max_bytes } => {
                t!(l, "err-yaml-too-large", max = max_bytes.to_string())
            }
            Self::TooManyNodes { max_nodes } => {
                t!(l, "err-yaml-too-many-nodes", max = max_nodes.to_string())
            }
            Self::ExpandsTooFar { max_bytes } => {
                t!(l, "err-yaml-expands-too-far", max = max_bytes.to_string())
            }
            Self::Syntax(message) => message.clone(),
        }
    }
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.worded(crate::i18n::Locale::En))
    }
}

impl std::error::Error for YamlError {}

/// How many times a text's byte limit its scalars may hold once aliases are expanded.
pub const EXPANSION: usize = 4;

/// Parses `text` as one YAML document into a value, refusing a text longer than `max_bytes` bytes, a
/// document whose nodes, aliases expanded, number more than `max_nodes`, and one whose scalars, aliases
/// expanded, hold more than [`EXPANSION`] × `max_bytes` bytes.
///
/// # Errors
/// [`YamlError`].
pub fn parse_within(
    text: &str,
    max_bytes: usize,
    max_nodes: usize,
) -> Result<yaml_serde::Value, YamlError> {
    if text.len() > max_bytes {
        return Err(YamlError::TooLarge { max_bytes });
    }
    let left = Cell::new(max_nodes);
    let max_expanded = max_bytes.saturating_mul(EXPANSION);
    let bytes_left = Cell::new(max_expanded);
    let counted = Budget {
        left: &left,
        bytes_left: &bytes_left,
    }
    .deserialize(yaml_serde::Deserializer::from_str(text));
    match counted {
        Ok(()) => {}
        Err(_) if left.get() == 0 => return Err(YamlError::TooManyNodes { max_nodes }),
        Err(_) if bytes_left.get() == 0 => {
            return Err(YamlError::ExpandsTooFar {
                max_bytes: max_expanded,
            })
        }
        // yaml_serde's own guard against alias expansion fired before the budget ran out: the same
        // refusal, in our words.
        Err(e) if e.to_string().contains("repetition limit exceeded") => {
            return Err(YamlError::TooManyNodes { max_nodes })
        }
        Err(e) => return Err(YamlError::Syntax(e.to_string())),
    }
    yaml_serde::from_str(text).map_err(|e| YamlError::Syntax(e.to_string()))
}

/// Walks a document, taking one from `left` per node and a scalar's length from `bytes_left`; fails
/// once either would run out.
#[derive(Clone, Copy)]
struct Budget<'a> {
    left: &'a Cell<usize>,
    bytes_left: &'a Cell<usize>,
}

impl Budget<'_> {
    fn take<E: de::Error>(self) -> Result<(), E> {
        match self.left.get() {
            0 => Err(E::custom("node budget exhausted")),
            n => {
                self.left.set(n - 1);
                Ok(())
            }
        }
    }

    fn take_bytes<E: de::Error>(self, n: usize) -> Result<(), E> {
        self.take()?;
        match self.bytes_left.get().checked_sub(n) {
            Some(rest) => {
                self.bytes_left.set(rest);
                Ok(())
            }
            None => {
                self.bytes_left.set(0);
                Err(E::custom("byte budget exhausted"))
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for Budget<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for Budget<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.take()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.take()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.take()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.take()
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.take_bytes(s.len())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.take()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.take()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.take()?;
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.take()?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.take()?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }
    /// A tagged node (`!KeyOf x`): the tag, then its value.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        self.take()?;
        let (_tag, contents): (de::IgnoredAny, _) = data.variant()?;
        contents.newtype_variant_seed(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_documents_and_tags_parse() {
        let v = parse_within("a: 1\nb: [x, !KeyOf y]\nc: {d: null}\n", 1000, 100).unwrap();
        assert_eq!(v["a"].as_i64(), Some(1));
        assert!(matches!(v["b"][1], yaml_serde::Value::Tagged(_)));
    }

    #[test]
    fn a_few_aliases_are_fine() {
        let v = parse_within("a: &x [1, 2]\nb: *x\n", 1000, 100).unwrap();
        assert_eq!(v["b"][1].as_i64(), Some(2));
    }

    #[test]
    fn an_alias_bomb_is_refused_quickly() {
        let mut doc = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = "a".to_owned();
        for level in 0..8 {
            let name = format!("l{level}");
            let refs = vec![format!("*{prev}"); 10].join(", ");
            doc.push_str(&format!("{name}: &{name} [{refs}]\n"));
            prev = name;
        }
        // 10^9 nodes expanded from under 1 KB: without the budget this test would not end.
        assert_eq!(
            parse_within(&doc, 1_000_000, 100_000),
            Err(YamlError::TooManyNodes { max_nodes: 100_000 })
        );
    }

    #[test]
    fn aliases_to_a_long_string_are_refused_by_their_expanded_bytes() {
        // Few nodes, but every alias repeats a 10 KB string: 200 of them are 2 MB of text from 10 KB.
        let mut doc = format!("s: &s \"{}\"\nl: [", "x".repeat(10_000));
        doc.push_str(&vec!["*s"; 200].join(", "));
        doc.push_str("]\n");
        assert!(doc.len() < 12_000);
        assert_eq!(
            parse_within(&doc, 100_000, 100_000),
            Err(YamlError::ExpandsTooFar { max_bytes: 400_000 })
        );
        // Within the expansion allowance it parses.
        assert!(parse_within(&doc, 1_000_000, 100_000).is_ok());
    }

    #[test]
    fn size_and_syntax_are_reported() {
        assert_eq!(
            parse_within("a: 1", 3, 10),
            Err(YamlError::TooLarge { max_bytes: 3 })
        );
        assert!(matches!(
            parse_within("a: [1", 100, 10),
            Err(YamlError::Syntax(_))
        ));
    }
}
