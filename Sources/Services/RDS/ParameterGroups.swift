// STUB — to be replaced by the groups helper.
extension RDSService {
    mutating func registerParameterGroups() {}
}
