@api
Feature: The locked API
  Six endpoints under /api/{user_id}/tasks, the status codes the frontend relies on, and
  nothing internal in any answer.

  @FR-014 @FR-015 @SC-005
  Scenario Outline: Each endpoint answers at its exact path
    Given user123 has task 42 "Buy groceries"
    When user123 tries to <action> task 42 of user123
    Then the response status is <status>

    Examples:
      | action | status |
      | list   | 200    |
      | create | 201    |
      | read   | 200    |
      | update | 200    |
      | toggle | 200    |
      | delete | 204    |

  @FR-014
  Scenario Outline: Paths outside the locked API are not served
    Given user123 is signed in
    When user123 sends "<method>" to "<path>"
    Then the response status is one of <statuses>

    Examples:
      | method | path                        | statuses |
      | GET    | /api/tasks                  | 404      |
      | GET    | /api/{user123}/task         | 404      |
      | POST   | /api/{user123}/tasks/1      | 405      |
      | PUT    | /api/{user123}/tasks        | 405      |

  @FR-015 @FR-016
  Scenario: A request body that is not valid JSON is a malformed request
    When user123 creates a task with the raw body "{not json"
    Then the response status is 400
    And the response reveals nothing internal

  @FR-016 @SC-008
  Scenario Outline: Odd input never exposes internals
    When user123 sends "<method>" to "<path>" with the body:
      """
      <body>
      """
    Then the response status is one of <statuses>
    And the response reveals nothing internal

    Examples:
      | method | path                                | body                           | statuses |
      | GET    | /api/{user123}/tasks/99999999999999 | null                           | 404, 422 |
      | GET    | /api/{user123}/tasks/abc            | null                           | 404, 422 |
      | POST   | /api/{user123}/tasks                | {"title": "nul\u0000byte"}     | 201, 422 |
      | POST   | /api/{user123}/tasks                | {"title": ["a", "list"]}       | 422      |
      | POST   | /api/{user123}/tasks                | ["not", "an", "object"]        | 422      |
      | PUT    | /api/{user123}/tasks/1              | {"completed": "maybe"}         | 404, 422 |

  @SC-005 @FR-013
  Scenario: Read-only fields the frontend sends back are ignored
    Given user456 is signed in
    When user123 creates a task with:
      """
      {"id": 999999, "user_id": "{user456}", "title": "Buy groceries", "created_at": "2000-01-01T00:00:00Z"}
      """
    Then the response status is 201
    And the response is a task titled "Buy groceries" owned by user123
    And the task was created just now
    And user456 has no tasks

  @SC-006
  Scenario: Single-task operations are timed
    When user123 creates, reads, renames, toggles, lists and deletes 20 tasks one after another
    Then every one of those requests succeeded
    And the p95 latency of single-task operations is reported

  @SC-006 @SC-007 @SC-002
  Scenario: 50 users working at the same time
    When 50 users each create, read, rename, toggle, list and delete their own task at once
    Then every one of those requests succeeded
    And every user only ever saw their own task
    And the p95 latency of single-task operations is reported
