//! Calendar dates of plans: `date = 2020-03-27` (or `2020年3月27日`), printed
//! the standard's way, `2020年3月27日`.

/// A calendar date of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// The way GB/T 9704 prints dates: `2020年3月27日`, no padding.
    pub fn chinese(self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }

    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1 && (1..=days).contains(&day)).then_some(Date { year, month, day })
    }
}

/// Reads a date value: a TOML date, or a string `2020-03-27` / `2020年3月27日`.
pub fn parse_date(value: &toml::Value) -> Result<Date, String> {
    match value {
        toml::Value::Datetime(dt) => {
            if dt.time.is_some() || dt.offset.is_some() {
                return Err("a date without time is expected".into());
            }
            let d = dt.date.ok_or("a date is expected")?;
            Date::new(d.year, d.month, d.day).ok_or_else(|| format!("{d} is not a calendar date"))
        }
        toml::Value::String(s) => parse_date_str(s.trim())
            .ok_or_else(|| format!("`{s}` is not a date like 2020-03-27 or 2020年3月27日")),
        other => Err(format!("a date is expected, found {}", other.type_str())),
    }
}

fn parse_date_str(s: &str) -> Option<Date> {
    let nums: Vec<&str> = s
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let [y, m, d] = nums.as_slice() else {
        return None;
    };
    if y.len() != 4 {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Today's date (UTC), for the checks of implausible dates; never printed,
/// so outputs stay reproducible.
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Date::new(year, month, day).unwrap_or(Date {
        year: 2000,
        month: 1,
        day: 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_without_padding() {
        assert_eq!(Date::new(2020, 3, 7).unwrap().chinese(), "2020年3月7日");
        assert!(Date::new(2021, 2, 29).is_none());
        assert!(Date::new(2024, 2, 29).is_some());
        assert_eq!(parse_date_str("2020年6月1日"), Date::new(2020, 6, 1));
        assert_eq!(parse_date_str("20-6-1"), None);
    }
}
