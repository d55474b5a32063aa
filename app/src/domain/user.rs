//! User input rules for enrollment and set-up (authentik's username rules).

/// Maximum username length (authentik: 150).
pub const USERNAME_MAX: usize = 150;
/// Minimum password length of Usher's default password policy.
pub const PASSWORD_MIN: usize = 8;

/// Validates a username: 1–150 characters of authentik's charset `^[\w.@+-]+$`.
///
/// # Errors
/// A message for the form.
pub fn validate_username(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("Username is required.".into());
    }
    if s.chars().count() > USERNAME_MAX {
        return Err(format!(
            "Username must be at most {USERNAME_MAX} characters."
        ));
    }
    if !s
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || ".@+-".contains(c))
    {
        return Err("Username may contain only letters, digits and @ . + - _".into());
    }
    Ok(s.to_owned())
}

/// Validates a new password and its repetition: equal, at least [`PASSWORD_MIN`] characters.
///
/// # Errors
/// A message for the form.
pub fn validate_new_password(password: &str, repeat: &str) -> Result<(), String> {
    if password != repeat {
        return Err("Passwords do not match.".into());
    }
    if password.chars().count() < PASSWORD_MIN {
        return Err(format!(
            "Password must be at least {PASSWORD_MIN} characters."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(
            validate_username(" jane.smith@x+1-a_b ").unwrap(),
            "jane.smith@x+1-a_b"
        );
        assert!(validate_username("").is_err());
        assert!(validate_username("has space").is_err());
        assert!(validate_username("semi;colon").is_err());
        assert!(validate_username(&"a".repeat(151)).is_err());
        assert!(validate_username(&"a".repeat(150)).is_ok());
    }

    #[test]
    fn passwords() {
        assert!(validate_new_password("longenough", "longenough").is_ok());
        assert!(validate_new_password("longenough", "different1").is_err());
        assert!(validate_new_password("short", "short").is_err());
    }
}
