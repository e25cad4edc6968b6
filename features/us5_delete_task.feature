@US5
Feature: US5 Delete a task
  As a signed-in user
  I want to remove tasks I no longer need

  @US5-1
  Scenario: A user deletes their own task
    Given user123 has the tasks "Buy groceries" and "Finish project"
    When user123 deletes "Buy groceries"
    Then the response status is 204
    And user123 can no longer read "Buy groceries"
    And user123's list holds exactly "Finish project"

  @US5-2 @FR-005 @FR-013 @SC-002
  Scenario: Nobody can delete another user's task
    Given user456 has a task "Walk the dog"
    When user123 deletes user456's task "Walk the dog"
    Then the response status is 403 or 404
    And user456's task "Walk the dog" is unchanged

  @US5-3
  Scenario: Deleting a task that does not exist
    Given user123 has no task 42
    When user123 deletes task 42
    Then the response status is 404
