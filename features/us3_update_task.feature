@US3
Feature: US3 Update a task
  As a signed-in user
  I want to change the title, description or state of my tasks

  @US3-1 @FR-011 @FR-015 @SC-004
  Scenario: A user renames their own task
    Given user123 has task 42 "Buy groceries"
    When user123 updates task 42 with:
      """
      {"title": "Buy organic groceries"}
      """
    Then the response status is 200
    And the response is a task titled "Buy organic groceries" owned by user123
    And the task's updated_at has advanced and its created_at has not changed
    And user123's list holds exactly "Buy organic groceries"

  @US3-1 @FR-011
  Scenario: A user changes every field of their task at once
    Given user123 has task 42 "Buy groceries"
    When user123 updates task 42 with:
      """
      {"title": "Complete annual report", "description": "Include the forecasts", "completed": true}
      """
    Then the response status is 200
    And the response is a task titled "Complete annual report" owned by user123
    And the task's description is "Include the forecasts"
    And the task is completed
    And the task's updated_at has advanced and its created_at has not changed

  @US3-2 @FR-005 @FR-013 @SC-002
  Scenario: Nobody can update another user's task
    Given user456 has a task "Walk the dog"
    When user123 updates user456's task "Walk the dog" with:
      """
      {"title": "Hijacked"}
      """
    Then the response status is 403 or 404
    And user456's task "Walk the dog" is unchanged

  @US3-3 @FR-015
  Scenario: Updating a task that does not exist
    Given user123 has no task 42
    When user123 updates task 42 with:
      """
      {"title": "Buy organic groceries"}
      """
    Then the response status is 404
    And the error message mentions "not found"
