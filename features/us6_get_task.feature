@US6
Feature: US6 Get one task
  As a signed-in user
  I want to open a single task with all its details

  @US6-1
  Scenario: A user reads their own task
    Given user123 has task 42 "Buy groceries" described as "Milk, eggs, bread"
    When user123 reads task 42
    Then the response status is 200
    And the task has every field: id, user_id, title, description, completed, created_at, updated_at
    And the response is a task titled "Buy groceries" owned by user123
    And the task's description is "Milk, eggs, bread"

  @US6-2 @FR-005 @FR-013 @SC-002
  Scenario: Nobody can read another user's task
    Given user456 has a task "Walk the dog"
    When user123 reads user456's task "Walk the dog"
    Then the response status is 403 or 404
    And the response does not mention "Walk the dog"

  @US6-3
  Scenario: Reading a task that does not exist
    Given user123 has no task 42
    When user123 reads task 42
    Then the response status is 404
