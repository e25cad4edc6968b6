@record
Feature: The task record
  What every task holds and which values are accepted: its id, timestamps and completion,
  the limits on title and description, and validation errors the frontend can show.

  @FR-009
  Scenario: Every task gets its own integer id
    Given user123 has the tasks "Buy groceries", "Buy groceries" and "Finish project"
    Then the tasks of user123 all have different integer ids

  @FR-010
  Scenario: A new task records when it was created
    Given user123 has a task "Buy groceries"
    Then the task's created_at is the time it was created

  @FR-012
  Scenario: A new task is not completed
    Given user123 is signed in
    When user123 creates a task "Buy groceries"
    Then the task is not completed

  @FR-011
  Scenario Outline: Every update moves updated_at forward
    Given user123 has task 42 "Buy groceries"
    When user123 updates task 42 with:
      """
      <body>
      """
    Then the task's updated_at has advanced and its created_at has not changed

    Examples:
      | body                                 |
      | {"title": "Buy organic groceries"}   |
      | {"description": "Milk, eggs, bread"} |
      | {"completed": true}                  |

  @FR-011
  Scenario: Toggling moves updated_at forward
    Given user123 has task 42 "Buy groceries"
    When user123 toggles task 42
    Then the task's updated_at has advanced and its created_at has not changed

  @FR-010 @FR-011
  Scenario Outline: Timestamps are UTC, ISO 8601, with their offset
    Task: "`created_at`, `updated_at` timestamps (UTC, ISO 8601)"; the seed contract's
    `format: date-time` (RFC 3339) carries the offset (`Z` or `+00:00`).
    Given user123 has task 42 "Buy groceries"
    When user123 tries to <action> task 42 of user123
    Then the response's timestamps are UTC ISO 8601 with an offset

    Examples:
      | action |
      | create |
      | read   |
      | update |
      | toggle |
      | list   |

  @FR-007
  Scenario: An empty title is refused and nothing is stored
    When user123 creates a task with:
      """
      {"title": ""}
      """
    Then the request is refused
    And user123 has no tasks

  @FR-007
  Scenario: A title over 200 characters is refused and nothing is stored
    When user123 creates a task whose title is 201 characters long
    Then the request is refused
    And user123 has no tasks

  @FR-007
  Scenario Outline: An update to an empty or too long title is refused and changes nothing
    Given user123 has task 42 "Buy groceries"
    When user123 sets the title of task 42 to <length> characters
    Then the request is refused
    And user123's task "Buy groceries" is unchanged

    Examples:
      | length |
      | 0      |
      | 201    |

  @FR-007
  Scenario: A title of exactly 200 characters is accepted
    Given user123 can create a task
    When user123 creates a task whose title is 200 characters long
    Then the response is a success
    And the task's title is 200 characters long

  @FR-008
  Scenario: A description over 1000 characters is refused and nothing is stored
    When user123 creates a task whose description is 1001 characters long
    Then the request is refused
    And user123 has no tasks

  @FR-008
  Scenario: An update to a description over 1000 characters is refused and changes nothing
    Given user123 has task 42 "Buy groceries"
    When user123 sets the description of task 42 to 1001 characters
    Then the request is refused
    And user123's task "Buy groceries" is unchanged

  @FR-008
  Scenario: A description of exactly 1000 characters is accepted
    Given user123 can create a task
    When user123 creates a task whose description is 1000 characters long
    Then the response is a success
    And the task's description is 1000 characters long

  @FR-008
  Scenario: A task needs no description
    Given user123 has a task "Finish project" described as "Slides and notes"
    When user123 creates a task "Buy groceries"
    Then the response is a success

  @SC-008
  Scenario Outline: Validation errors are structured for the frontend
    Seed contract, ValidationErrorResponse: `detail` is a list of problems, each with its
    `loc` (the field's path) and a readable `msg`.
    When user123 creates a task with:
      """
      <body>
      """
    Then the error is a list of problems with readable messages

    Examples:
      | body                                 |
      | {"description": "Milk, eggs, bread"} |
      | {"title": ""}                        |

  @SC-004
  Scenario: An update that fails validation changes nothing at all
    Given user123 has task 42 "Buy groceries"
    When user123 sends a new title and a description of 1001 characters to task 42
    Then the refused update left user123's task "Buy groceries" unchanged
