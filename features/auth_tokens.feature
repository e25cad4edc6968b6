@auth
Feature: Authentication and token kinds
  Every request carries a Better Auth token: HS256 with BETTER_AUTH_SECRET, or a Better Auth
  JWT-plugin token signed with a key from its JWKS. Anything else is refused with 401, and a
  token for one user never opens another user's tasks.

  @FR-001
  Scenario: A token signed with BETTER_AUTH_SECRET is accepted
    Given user123 holds a token signed with BETTER_AUTH_SECRET
    When user123 lists their tasks
    Then the response is a success

  @FR-002
  Scenario: A new task belongs to the user the token names
    Given user123 has a task "Buy groceries"
    Then the new task is owned by user123

  @FR-004
  Scenario Outline: Every endpoint refuses a request without a valid token
    Given user123 has task 42 "Buy groceries"
    And user123 holds <credentials>
    When user123 tries to <action> task 42 of user123
    Then the response status is 401
    And user123's tasks are as they were

    @FR-015
    Examples: no token
      | action | credentials |
      | list   | no token    |
      | create | no token    |
      | read   | no token    |
      | update | no token    |
      | toggle | no token    |
      | delete | no token    |

    Examples: an expired token
      | action | credentials      |
      | list   | an expired token |
      | create | an expired token |
      | read   | an expired token |
      | update | an expired token |
      | toggle | an expired token |
      | delete | an expired token |

    @FR-001
    Examples: a tampered token
      | action | credentials      |
      | list   | a tampered token |
      | create | a tampered token |
      | read   | a tampered token |
      | update | a tampered token |
      | toggle | a tampered token |
      | delete | a tampered token |

    @FR-001
    Examples: a token signed with another secret
      | action | credentials            |
      | list   | a wrongly signed token |
      | create | a wrongly signed token |
      | read   | a wrongly signed token |
      | update | a wrongly signed token |
      | toggle | a wrongly signed token |
      | delete | a wrongly signed token |

  @SC-003
  Scenario Outline: Every endpoint's refusal of a missing or invalid token says why
    Given user123 has task 42 "Buy groceries"
    And user123 holds <credentials>
    When user123 tries to <action> task 42 of user123
    Then the request is refused with a message

    Examples:
      | action | credentials      |
      | list   | no token         |
      | create | no token         |
      | read   | no token         |
      | update | no token         |
      | toggle | no token         |
      | delete | no token         |
      | list   | a tampered token |
      | create | a tampered token |
      | read   | a tampered token |
      | update | a tampered token |
      | toggle | a tampered token |
      | delete | a tampered token |
      | list   | an expired token |
      | create | an expired token |
      | read   | an expired token |
      | update | an expired token |
      | toggle | an expired token |
      | delete | an expired token |

  @FR-004
  Scenario Outline: Every kind of bad token is refused
    Given user123 holds a "<kind>" token
    When user123 lists their tasks
    Then the response status is 401

    Examples: expired or malformed
      | kind               |
      | expired            |
      | expired jwks       |
      | garbage            |
      | payload not object |

    @FR-001
    Examples: not signed by a key the backend trusts
      | kind                  |
      | wrong secret          |
      | wrong key             |
      | tampered              |
      | alg none              |
      | hs256 with public key |
      | unknown kid           |
      | embedded jwk          |
      | kid path              |

    @hardening
    Examples: signed, but with claims our reference refuses (beyond the spec)
      | kind                    |
      | not yet valid           |
      | issued in future        |
      | missing sub             |
      | missing exp             |
      | conflicting user claims |
      | wrong issuer            |
      | wrong audience          |
      | empty sub               |
      | non string sub          |
      | duplicate claims        |

  @FR-004
  Scenario Outline: A malformed Authorization header is refused
    When user123 lists their tasks sending the Authorization header "<header>"
    Then the response status is 401

    Examples:
      | header             |
      | Bearer             |
      | Basic dXNlcjpwYXNz |
      | Token abc.def.ghi  |
      | Bearer a b         |

  @SC-003 @hardening
  Scenario Outline: The refusal's message is a sentence about the token
    Beyond SC-003 (a useful message): our reference answers with a sentence naming the token.
    Given user123 holds <credentials>
    When user123 lists their tasks
    Then the error message mentions "token"

    Examples:
      | credentials            |
      | no token               |
      | a tampered token       |
      | a wrongly signed token |

  @FR-001 @SC-005 @hardening
  Scenario Outline: Better Auth JWT-plugin tokens from its JWKS are accepted
    Beyond FR-001 (BETTER_AUTH_SECRET): our reference also trusts Better Auth's JWKS.
    Given user123 holds a token signed with "<alg>" from the JWKS
    When user123 creates a task "Buy groceries"
    Then the response status is 201
    And the response is a task titled "Buy groceries" owned by user123

    Examples:
      | alg   |
      | EdDSA |
      | ES256 |
      | RS256 |
      | PS256 |

  @FR-002 @hardening
  Scenario: The user can be named in the user_id claim instead of sub
    Beyond FR-002: A-2 puts the user "in a standard claim such as sub or user_id"; our
    reference reads sub, then user_id, then id.
    Given user123 holds a token that names them only in "user_id"
    When user123 creates a task "Buy groceries"
    Then the response status is 201
    And the response is a task titled "Buy groceries" owned by user123

  @FR-017
  Scenario: Responses never echo the token back
    Given user123 has a task "Buy groceries"
    When user123 lists their tasks
    Then the response does not contain user123's token

  @SC-009 @own-stack
  Scenario: Every authentication failure is logged without sensitive detail
    Given user123 has task 42 "Buy groceries"
    And the server's logs are watched
    When user123 makes 4 requests that fail authentication or authorization
    Then each of them was logged
    And no log line contains the token or the secret

  @FR-017 @own-stack
  Scenario: No log line carries a token or the secret
    Given user123 has task 42 "Buy groceries"
    And the server's logs are watched
    When user123 makes 4 requests that fail authentication or authorization
    Then no log line contains the token or the secret
