@api
Feature: The locked API
  Six endpoints under /api/{user_id}/tasks, the status codes the frontend relies on, and
  nothing internal in any answer.

  @FR-014
  Scenario: Creating is served at its exact path
    Given user123 is signed in
    When user123 creates a task "Buy groceries"
    Then the endpoint is served at that path

  @FR-014
  Scenario Outline: Each endpoint on a task is served at its exact path
    Given user123 has task 42 "Buy groceries"
    When user123 tries to <action> task 42 of user123
    Then the endpoint is served at that path

    Examples:
      | action |
      | list   |
      | read   |
      | update |
      | toggle |
      | delete |

  @FR-015
  Scenario: Creating answers 201
    Given user123 is signed in
    When user123 creates a task "Buy groceries"
    Then the response status is 201

  @FR-015
  Scenario Outline: Each operation on a task answers with the status code the spec names
    Given user123 has task 42 "Buy groceries"
    When user123 tries to <action> task 42 of user123
    Then the response status is <status>

    Examples:
      | action | status |
      | list   | 200    |
      | read   | 200    |
      | update | 200    |
      | toggle | 200    |
      | delete | 204    |

  @FR-015
  Scenario: A request body that is not valid JSON is a malformed request
    When user123 creates a task with the raw body "{not json"
    Then the response status is 400

  @FR-015
  Scenario: Another user's path is an authorization failure
    Given user456 is signed in
    When user456 lists user123's tasks
    Then the response status is 403

  @FR-015
  Scenario: A task that does not exist is missing
    Given user123 has no task 42
    When user123 reads task 42
    Then the response status is 404

  @FR-015
  Scenario: A task without a title is a validation failure
    When user123 creates a task with:
      """
      {"description": "Milk, eggs, bread"}
      """
    Then the response status is 422

  @FR-015
  Scenario Outline: Bad input is refused as a client error
    When user123 sends "<method>" to "<path>" with the body:
      """
      <body>
      """
    Then the request is refused

    Examples:
      | method | path                     | body                     |
      | GET    | /api/{user123}/tasks/abc | null                     |
      | POST   | /api/{user123}/tasks     | {"title": ["a", "list"]} |
      | POST   | /api/{user123}/tasks     | ["not", "an", "object"]  |
      | PUT    | /api/{user123}/tasks/1   | {"completed": "maybe"}   |

  @FR-016
  Scenario: A malformed body reveals nothing internal
    When user123 creates a task with the raw body "{not json"
    Then the response reveals nothing internal

  @FR-016
  Scenario Outline: Odd input never exposes internals
    When user123 sends "<method>" to "<path>" with the body:
      """
      <body>
      """
    Then the response reveals nothing internal

    Examples:
      | method | path                                | body                       |
      | GET    | /api/{user123}/tasks/99999999999999 | null                       |
      | GET    | /api/{user123}/tasks/abc            | null                       |
      | POST   | /api/{user123}/tasks                | {"title": "nul\u0000byte"} |
      | POST   | /api/{user123}/tasks                | {"title": ["a", "list"]}   |
      | POST   | /api/{user123}/tasks                | ["not", "an", "object"]    |
      | PUT    | /api/{user123}/tasks/1              | {"completed": "maybe"}     |

  @SC-005
  Scenario: Read-only fields the frontend sends back are ignored
    The frontend "sends JSON bodies that may carry read-only fields such as id, user_id,
    created_at (they must be ignored, never obeyed)" (Facts about the real clients).
    Given user456 is signed in
    When user123 creates a task with:
      """
      {"id": 999999, "user_id": "{user456}", "title": "Buy groceries", "created_at": "2000-01-01T00:00:00Z"}
      """
    Then the response is a task titled "Buy groceries" owned by user123
    And the task's created_at is the time it was created
    And user456 has no tasks

  @SC-006
  Scenario: Single-task operations are timed
    When user123 creates, reads, renames, toggles, lists and deletes 20 tasks one after another
    Then every one of those requests succeeded
    And the p95 latency of single-task operations is reported

  @SC-007
  Scenario: 50 users working at the same time
    When 50 users each create, read, rename, toggle, list and delete their own task at once
    Then every one of those requests succeeded
    And every user's list held their own task
    And the p95 latency of single-task operations is reported

  @FR-016 @hardening
  Scenario Outline: Odd input never makes a server error
    Beyond FR-016 (nothing internal exposed): our reference answers every odd input with a
    success or a 4xx, never a 500.
    When user123 sends "<method>" to "<path>" with the body:
      """
      <body>
      """
    Then the answer is no server error and reveals nothing internal

    Examples:
      | method | path                                | body                       |
      | GET    | /api/{user123}/tasks/99999999999999 | null                       |
      | POST   | /api/{user123}/tasks                | {"title": "nul\u0000byte"} |

  @FR-014 @hardening
  Scenario Outline: Paths outside the locked API are not served
    Beyond FR-014: our reference answers 404 for other paths and 405 for other methods.
    Given user123 is signed in
    When user123 sends "<method>" to "<path>"
    Then the response status is one of <statuses>

    Examples:
      | method | path                   | statuses |
      | GET    | /api/tasks             | 404      |
      | GET    | /api/{user123}/task    | 404      |
      | POST   | /api/{user123}/tasks/1 | 405      |
      | PUT    | /api/{user123}/tasks   | 405      |
