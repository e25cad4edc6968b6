@auth
Feature: Authentication and token kinds
  Every request carries a Better Auth token: HS256 with BETTER_AUTH_SECRET, or a Better Auth
  JWT-plugin token signed with a key from its JWKS. Anything else is refused with 401, and a
  token for one user never opens another user's tasks.

  @FR-001 @FR-002 @SC-005
  Scenario: A token signed with BETTER_AUTH_SECRET is accepted
    Given user123 holds a token signed with "HS256"
    When user123 lists their tasks
    Then the response status is 200

  @FR-001 @FR-002 @SC-005 @own-stack
  Scenario Outline: Better Auth JWT-plugin tokens from its JWKS are accepted
    Given user123 holds a token signed with "<alg>"
    When user123 creates a task "Buy groceries"
    Then the response status is 201
    And the response is a task titled "Buy groceries" owned by user123

    Examples:
      | alg   |
      | EdDSA |
      | ES256 |
      | RS256 |
      | PS256 |

  @FR-002 @SC-005
  Scenario: The user can be named in the user_id claim instead of sub
    Given user123 holds a token that names them only in "user_id"
    When user123 creates a task "Buy groceries"
    Then the response status is 201
    And the response is a task titled "Buy groceries" owned by user123

  @FR-001 @FR-004 @SC-003
  Scenario Outline: Every kind of bad token is refused
    Given user123 holds a "<kind>" token
    When user123 lists their tasks
    Then the response status is 401
    And the error message is a useful sentence

    Examples:
      | kind                    |
      | expired                 |
      | expired jwks            |
      | not yet valid           |
      | issued in future        |
      | wrong secret            |
      | wrong key               |
      | tampered                |
      | alg none                |
      | hs256 with public key   |
      | missing sub             |
      | missing exp             |
      | conflicting user claims |
      | wrong issuer            |
      | wrong audience          |
      | unknown kid             |
      | garbage                 |
      | empty sub               |
      | non string sub          |
      | duplicate claims        |
      | payload not object      |
      | embedded jwk            |
      | kid path                |

  @FR-004 @SC-003
  Scenario Outline: A malformed Authorization header is refused
    When user123 lists their tasks sending the Authorization header "<header>"
    Then the response status is 401

    Examples:
      | header             |
      | Bearer             |
      | Basic dXNlcjpwYXNz |
      | Token abc.def.ghi  |
      | Bearer a b         |

  @FR-003 @FR-004 @FR-005 @SC-002 @SC-003
  Scenario Outline: Every endpoint refuses a missing or bad token, and another user's token
    Given user123 has task 42 "Buy groceries"
    And user123 holds <credentials>
    When user123 tries to <action> task 42 of user123
    Then the response status is <status>
    And the error message is a useful sentence
    And user123's task "Buy groceries" is unchanged

    Examples: no token
      | action | credentials | status |
      | list   | no token    | 401    |
      | create | no token    | 401    |
      | read   | no token    | 401    |
      | update | no token    | 401    |
      | toggle | no token    | 401    |
      | delete | no token    | 401    |

    Examples: an expired token
      | action | credentials      | status |
      | list   | an expired token | 401    |
      | create | an expired token | 401    |
      | read   | an expired token | 401    |
      | update | an expired token | 401    |
      | toggle | an expired token | 401    |
      | delete | an expired token | 401    |

    Examples: a tampered token
      | action | credentials       | status |
      | list   | a tampered token  | 401    |
      | create | a tampered token  | 401    |
      | read   | a tampered token  | 401    |
      | update | a tampered token  | 401    |
      | toggle | a tampered token  | 401    |
      | delete | a tampered token  | 401    |

    Examples: a token with the wrong signature
      | action | credentials                  | status |
      | list   | a wrongly signed token       | 401    |
      | create | a wrongly signed token       | 401    |
      | read   | a wrongly signed token       | 401    |
      | update | a wrongly signed token       | 401    |
      | toggle | a wrongly signed token       | 401    |
      | delete | a wrongly signed token       | 401    |

    Examples: another user's token on this user's path
      | action | credentials     | status |
      | list   | user456's token | 403    |
      | create | user456's token | 403    |
      | read   | user456's token | 403    |
      | update | user456's token | 403    |
      | toggle | user456's token | 403    |
      | delete | user456's token | 403    |

  @FR-017
  Scenario: Responses never echo the token back
    Given user123 has a task "Buy groceries"
    When user123 lists their tasks
    Then the response does not contain user123's token

  @SC-009 @FR-017 @own-stack
  Scenario: Every authentication failure is logged without sensitive detail
    Given user123 has task 42 "Buy groceries"
    And the server's logs are watched
    When user123 makes 4 requests that fail authentication or authorization
    Then 4 security events were logged, each with a reason
    And no log line contains the token or the secret
