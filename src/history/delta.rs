//! Git's delta format (pack entries OFS_DELTA and REF_DELTA): how to build an object
//! from a base object and a list of copy and insert instructions.
//!
//! Hand-written because gix applies deltas only inside its own pack look-up (its
//! `delta::apply` is crate-private), which copies the base in and out of its cache;
//! [`super::pack`] applies a delta onto a version it already holds, as bytes or, for a
//! tree, as pieces of the base ([`super::rope`]). The format is short and fixed (git's
//! `patch-delta.c`): two sizes, then instructions.

/// Why a delta could not be applied: the pack is damaged.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("damaged delta: {0}")]
pub struct BadDelta(&'static str);

/// Builds into `out` (cleared first) the object that `delta` makes of `base`.
pub fn apply(base: &[u8], delta: &[u8], out: &mut Vec<u8>) -> Result<(), BadDelta> {
    let (ops, expected) = ops(base.len(), delta)?;
    out.clear();
    out.try_reserve(expected).map_err(|_| BadDelta("the result is too large"))?;
    for op in ops {
        match op? {
            Op::Copy(from, to) => out.extend_from_slice(&base[from..to]),
            Op::Insert(from, to) => out.extend_from_slice(&delta[from..to]),
        }
    }
    Ok(())
}

/// One instruction of a delta: a range of the base to copy, or of the delta itself to
/// insert (start and end offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Copy(usize, usize),
    Insert(usize, usize),
}

/// A delta's instructions, each checked, and the size of the result they build.
///
/// The delta starts with the base's size and the result's size, each a little-endian
/// number in 7-bit groups; then each instruction is one byte: with its high bit set, a
/// copy of a range of the base (the low four bits say which offset bytes follow, the
/// next three which size bytes; a size of 0 means 0x10000); else, 1 to 127, an insert
/// of that many bytes that follow; 0 is reserved. Any inconsistency is an error, and
/// the result never grows past the size the delta announced.
pub fn ops(base: usize, delta: &[u8]) -> Result<(Ops<'_>, usize), BadDelta> {
    let mut at = 0;
    if size(delta, &mut at)? != base as u64 {
        return Err(BadDelta("its base has another size"));
    }
    let expected = usize::try_from(size(delta, &mut at)?).map_err(|_| BadDelta("the result is too large"))?;
    Ok((Ops { delta, at, base, left: expected, failed: false }, expected))
}

/// The instructions of a delta, from [`ops`].
pub struct Ops<'d> {
    delta: &'d [u8],
    /// Where the next instruction starts.
    at: usize,
    /// The base's size.
    base: usize,
    /// How many bytes of the result are still to come.
    left: usize,
    /// Whether an instruction was bad: there is none after it.
    failed: bool,
}

impl Iterator for Ops<'_> {
    type Item = Result<Op, BadDelta>;

    fn next(&mut self) -> Option<Result<Op, BadDelta>> {
        if self.failed {
            return None;
        }
        let op = match self.delta.get(self.at) {
            Some(_) => self.op(),
            None if self.left == 0 => return None,
            None => Err(BadDelta("the result is shorter than announced")),
        };
        self.failed = op.is_err();
        Some(op)
    }
}

impl Ops<'_> {
    fn op(&mut self) -> Result<Op, BadDelta> {
        let (delta, at) = (self.delta, &mut self.at);
        let op = delta[*at];
        *at += 1;
        let (op, len) = match op {
            0 => return Err(BadDelta("instruction 0 is reserved")),
            1..=0x7f => {
                let end = *at + usize::from(op);
                if end > delta.len() {
                    return Err(BadDelta("an insert runs past its end"));
                }
                let from = std::mem::replace(at, end);
                (Op::Insert(from, end), end - from)
            }
            _ => {
                let offset = number(delta, at, op, 4)?;
                let len = match number(delta, at, op >> 4, 3)? {
                    0 => 0x10000,
                    len => len,
                };
                let end = offset.checked_add(len).filter(|end| *end <= self.base);
                (Op::Copy(offset, end.ok_or(BadDelta("a copy runs past the base"))?), len)
            }
        };
        if len > self.left {
            return Err(BadDelta("the result grows past its announced size"));
        }
        self.left -= len;
        Ok(op)
    }
}

/// A size in the delta's header: 7 bits a byte, least significant first, the high
/// bit set on every byte but the last.
fn size(delta: &[u8], at: &mut usize) -> Result<u64, BadDelta> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *delta.get(*at).ok_or(BadDelta("a size runs past its end"))?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(BadDelta("a size is too large"))
}

/// A copy's offset or size: up to `count` little-endian bytes, each present when its
/// bit of `present` is set (absent bytes are 0).
fn number(delta: &[u8], at: &mut usize, present: u8, count: u32) -> Result<usize, BadDelta> {
    let mut value = 0usize;
    for byte in 0..count {
        if present & (1 << byte) != 0 {
            let b = *delta.get(*at).ok_or(BadDelta("a copy runs past its end"))?;
            *at += 1;
            value |= usize::from(b) << (8 * byte);
        }
    }
    Ok(value)
}

/// Deltas written by tests, in the format [`ops`] reads.
#[cfg(test)]
pub mod write {
    /// A delta's start: the base's size, then the result's, 7 bits a byte.
    pub fn header(base: usize, result: usize) -> Vec<u8> {
        let mut out = vec![];
        for mut size in [base, result] {
            while size >= 0x80 {
                out.push((size as u8 & 0x7f) | 0x80);
                size >>= 7;
            }
            out.push(size as u8);
        }
        out
    }

    /// A copy of `len` bytes (1 to 0xffff) of the base from `from`.
    pub fn copy(delta: &mut Vec<u8>, from: usize, len: usize) {
        let [a, b, c, d, ..] = from.to_le_bytes();
        delta.extend([0x80 | 0x0f | 0x30, a, b, c, d, len as u8, (len >> 8) as u8]);
    }

    /// An insert of `bytes` (1 to 127 of them).
    pub fn insert(delta: &mut Vec<u8>, bytes: &[u8]) {
        delta.push(bytes.len() as u8);
        delta.extend_from_slice(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(base: &[u8], delta: &[u8]) -> Result<Vec<u8>, BadDelta> {
        let mut out = vec![b'x'; 3];
        apply(base, delta, &mut out).map(|()| out)
    }

    #[test]
    fn copies_and_inserts_build_the_result() {
        let base = b"0123456789";
        // Sizes 10 and 9; copy 4 bytes at offset 2; insert "ab"; copy 3 bytes at 7.
        let delta = [10, 9, 0x91, 2, 4, 2, b'a', b'b', 0x91, 7, 3];
        assert_eq!(applied(base, &delta).unwrap(), b"2345ab789");
    }

    #[test]
    fn multi_byte_sizes_offsets_and_the_implicit_copy_size() {
        let base: Vec<u8> = (0..0x20200u32).map(|n| (n % 251) as u8).collect();
        // Base size 0x20200 and result size 0x10001, three 7-bit groups each. A copy at
        // offset 0x10100 (offset bytes 1 and 2 present, byte 0 absent) without size
        // bytes, so of 0x10000 bytes; then an insert of one byte.
        let delta = [0x80, 0x84, 0x08, 0x81, 0x80, 0x04, 0x86, 0x01, 0x01, 1, b'z'];
        let out = applied(&base, &delta).unwrap();
        assert_eq!(out.len(), 0x10001);
        assert_eq!(&out[..0x10000], &base[0x10100..0x20100]);
        assert_eq!(out[0x10000], b'z');
    }

    #[test]
    fn an_empty_result() {
        assert_eq!(applied(b"abc", &[3, 0]).unwrap(), b"");
    }

    #[test]
    fn bad_deltas_are_errors() {
        let base = b"0123456789";
        let cases: &[(&[u8], &str)] = &[
            (&[], "a size runs past its end"),
            (&[9, 1, 1, b'a'], "its base has another size"),
            (&[10], "a size runs past its end"),
            (&[10, 0x80], "a size runs past its end"),
            (&[10, 2, 0], "instruction 0 is reserved"),
            (&[10, 2, 3, b'a'], "an insert runs past its end"),
            (&[10, 2, 0x91, 9, 2], "a copy runs past the base"),
            (&[10, 2, 0x91], "a copy runs past its end"),
            (&[10, 2, 0x80], "a copy runs past the base"),
            (&[10, 1, 2, b'a', b'b'], "the result grows past its announced size"),
            (&[10, 3, 0x91, 0, 2], "the result is shorter than announced"),
            (&[10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], "the result is too large"),
            (&[10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], "a size is too large"),
        ];
        for (delta, why) in cases {
            assert_eq!(applied(base, delta), Err(BadDelta(why)), "{delta:?}");
        }
    }

    #[test]
    fn a_copy_at_the_largest_offset_does_not_overflow() {
        let delta = [10, 1, 0x9f, 0xff, 0xff, 0xff, 0xff, 1];
        assert_eq!(applied(b"0123456789", &delta), Err(BadDelta("a copy runs past the base")));
    }
}
