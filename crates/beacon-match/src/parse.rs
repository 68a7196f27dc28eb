//! Parsers for the engine's text inputs. They take `&str` (the caller reads the file) and
//! report errors with the line they found them on.

use crate::dense::Matrix;

/// A line-numbered complaint about some input text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// 1-based line number; 0 when the problem is the input as a whole (e.g. it is empty).
    pub line: usize,
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }
}

/// Parses J. E. Beasley's OR-Library assignment format: the size `n`, then the `n × n`
/// integer costs row by row, separated by any whitespace.
pub fn orlib(text: &str) -> Result<Matrix<i64>, ParseError> {
    let mut tokens = text
        .lines()
        .enumerate()
        .flat_map(|(k, line)| line.split_whitespace().map(move |t| (k + 1, t)));
    let (line, first) = tokens
        .next()
        .ok_or_else(|| ParseError::new(0, "empty input: expected the size n"))?;
    let n: usize = first
        .parse()
        .map_err(|_| ParseError::new(line, format!("expected the size n, found {first:?}")))?;
    // A dense matrix bigger than this would not fit in memory anyway; refuse it before
    // allocating.
    const MAX_N: usize = 1 << 15;
    if n > MAX_N {
        return Err(ParseError::new(line, format!("size {n} is above {MAX_N}")));
    }
    let mut data = Vec::with_capacity(n * n);
    let mut last_line = line;
    for (line, token) in tokens {
        last_line = line;
        if data.len() == n * n {
            return Err(ParseError::new(
                line,
                format!("unexpected {token:?} after the {} costs", n * n),
            ));
        }
        let c: i64 = token.parse().map_err(|_| {
            ParseError::new(line, format!("expected an integer cost, found {token:?}"))
        })?;
        if c.unsigned_abs() > crate::cost::MAX_ABS_I64_COST as u64 {
            return Err(ParseError::new(
                line,
                format!("cost {c} is beyond ±{}", crate::cost::MAX_ABS_I64_COST),
            ));
        }
        data.push(c);
    }
    if data.len() != n * n {
        return Err(ParseError::new(
            last_line,
            format!("expected {} costs for n = {n}, found {}", n * n, data.len()),
        ));
    }
    Matrix::new(n, n, data).map_err(|e| ParseError::new(0, e.to_string()))
}
